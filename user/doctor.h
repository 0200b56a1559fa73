/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kscanctl doctor: what this host and device can run, engine by engine,
 * found out rather than guessed (the module's family is asked, AF_XDP
 * sockets are bound, an AF_PACKET socket is made), and the facts behind
 * it: kernel release, privileges, DKMS, driver, queues, MTU.
 */
#ifndef KSCANCTL_DOCTOR_H
#define KSCANCTL_DOCTOR_H

#include <stdbool.h>
#include <stddef.h>

/* A kernel release, as uname -r says it: "6.1.0-57-amd64" -> 6, 1, 0. */
struct kscan_kernel_version {
	unsigned int major, minor, patch;
};

/*
 * The leading "MAJOR.MINOR[.PATCH]" of @release; what follows (-57-amd64,
 * +deb13-cloud-amd64, -1019-aws) is the distribution's. Returns 0, or -1
 * when @release does not start with at least MAJOR.MINOR.
 */
int kscan_kernel_version_parse(const char *release,
			       struct kscan_kernel_version *v);

/* -1, 0, 1 as @v is older than, the same as, newer than a.b.c */
int kscan_kernel_version_cmp(const struct kscan_kernel_version *v,
			     unsigned int a, unsigned int b, unsigned int c);

int kscan_cmd_doctor(int argc, char **argv);

#endif /* KSCANCTL_DOCTOR_H */

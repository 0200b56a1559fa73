/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XDP program's ELF object, built into kscanctl so that the installed
 * binary needs no side file: kscan_rx_bpf_obj[kscan_rx_bpf_obj_size].
 * KSCAN_RX_BPF_OBJ is the object's path (the Makefile passes it).
 */
#ifndef KSCAN_RX_BPF_OBJ
#define KSCAN_RX_BPF_OBJ "build/user/bpf/kscan_rx.bpf.o"
#endif

	.section .rodata
	.balign 8
	.globl kscan_rx_bpf_obj
	.type kscan_rx_bpf_obj, @object
kscan_rx_bpf_obj:
	.incbin KSCAN_RX_BPF_OBJ
kscan_rx_bpf_obj_end:
	.size kscan_rx_bpf_obj, kscan_rx_bpf_obj_end - kscan_rx_bpf_obj

	.balign 8
	.globl kscan_rx_bpf_obj_size
	.type kscan_rx_bpf_obj_size, @object
kscan_rx_bpf_obj_size:
	.quad kscan_rx_bpf_obj_end - kscan_rx_bpf_obj
	.size kscan_rx_bpf_obj_size, 8

	.section .note.GNU-stack, "", @progbits

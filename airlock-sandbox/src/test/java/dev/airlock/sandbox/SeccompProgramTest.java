package dev.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class SeccompProgramTest {
    @Test
    void programIsWellFormedClassicBpf() {
        byte[] prog = SeccompProgram.build();
        assertThat(prog.length % 8).isZero();
        int n = prog.length / 8;
        assertThat(n).isBetween(10, 4096);
        ByteBuffer b = ByteBuffer.wrap(prog).order(ByteOrder.LITTLE_ENDIAN);
        // First instruction loads the audit arch, second compares it with x86_64.
        assertThat(b.getShort(0)).isEqualTo((short) 0x20);
        assertThat(b.getInt(4)).isEqualTo(4);
        assertThat(b.getInt(12)).isEqualTo(SeccompProgram.AUDIT_ARCH_X86_64);
        for (int pc = 0; pc < n; pc++) {
            short code = b.getShort(pc * 8);
            int jt = b.get(pc * 8 + 2) & 0xff;
            int jf = b.get(pc * 8 + 3) & 0xff;
            boolean isJump = (code & 0x07) == 0x05;
            if (isJump) {
                assertThat(pc + 1 + jt).as("jt of %d", pc).isLessThan(n);
                assertThat(pc + 1 + jf).as("jf of %d", pc).isLessThan(n);
            }
        }
        // Last instruction: allow.
        assertThat(b.getShort((n - 1) * 8)).isEqualTo((short) 0x06);
        assertThat(b.getInt((n - 1) * 8 + 4)).isEqualTo(SeccompProgram.SECCOMP_RET_ALLOW);
    }

    @Test
    void denyListCoversTheIssue() {
        assertThat(SeccompProgram.DENIED.keySet()).contains("ptrace", "process_vm_readv", "process_vm_writev", "bpf",
                "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key", "mount", "umount2", "pivot_root",
                "chroot", "move_mount", "open_tree", "fsopen", "unshare", "setns", "kexec_load", "kexec_file_load",
                "init_module", "finit_module", "delete_module", "io_uring_setup", "io_uring_enter", "io_uring_register",
                "open_by_handle_at", "name_to_handle_at");
        assertThat(SeccompProgram.nameOf(101)).isEqualTo("ptrace");
    }
}

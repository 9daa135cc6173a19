package dev.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airlock.core.event.DenialKind;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both ways of installing the filter deny the same syscalls; only the notifying one reports them exactly. */
class SeccompModesTest {
    private static final String PROBE = "import ctypes\nl=ctypes.CDLL(None,use_errno=True)\n"
            + "print(l.syscall(101,16,2,0,0), ctypes.get_errno(), l.syscall(321,0,0,0), ctypes.get_errno(), "
            + "l.syscall(272,0x10000000), ctypes.get_errno())";

    @TempDir
    Path ws;

    @Test
    void notifyingFilterDeniesAndReportsEachSyscall() throws Exception {
        try (SandboxSession s = SandboxSession.open(SandboxPolicy.defaults(), ws)) {
            ExecResult r = s.exec("python3", "-c", PROBE);
            assertThat(r.stdoutText().strip()).isEqualTo("-1 1 -1 1 -1 1");
            assertThat(r.denials()).filteredOn(d -> d.kind() == DenialKind.SYSCALL)
                    .extracting(d -> d.operation()).containsExactly("ptrace", "bpf", "unshare");
            assertThat(s.eventLog().events()).filteredOn(e -> e instanceof SessionEvent.Denied).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void bwrapInstalledFilterDeniesTheSameWithoutEvents() throws Exception {
        try (SandboxSession s = SandboxSession.open(SandboxPolicy.builder().seccompNotify(false).build(), ws)) {
            ExecResult r = s.exec("python3", "-c", PROBE);
            assertThat(r.stdoutText().strip()).isEqualTo("-1 1 -1 1 -1 1");
            assertThat(r.denials()).noneMatch(d -> d.kind() == DenialKind.SYSCALL);
            assertThat(s.exec("sh", "-c", "grep Seccomp: /proc/self/status").stdoutText()).contains("2");
        }
    }
}

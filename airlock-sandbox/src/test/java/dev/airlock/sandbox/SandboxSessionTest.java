package dev.airlock.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airlock.core.event.DenialKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxSessionTest {
    @TempDir
    static Path ws;
    static SandboxSession session;

    @BeforeAll
    static void open() throws Exception {
        Files.writeString(ws.resolve("hello.txt"), "hello\n");
        Files.createDirectories(ws.resolve(".git/hooks"));
        Files.writeString(ws.resolve(".git/config"), "[core]\n");
        session = SandboxSession.open(SandboxPolicy.defaults(), ws);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void runsCommandsInTheWorkspaceAndReportsExitCodes() throws Exception {
        ExecResult r = session.exec("cat", "hello.txt");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdoutText()).isEqualTo("hello\n");
        ExecResult pwd = session.exec("pwd");
        assertThat(pwd.stdoutText().strip()).isEqualTo("/workspace");
        assertThat(session.exec("sh", "-c", "exit 7").exitCode()).isEqualTo(7);
        ExecResult in = session.exec(ExecRequest.of("tr", "a-z", "A-Z").withStdin("abc".getBytes(StandardCharsets.UTF_8)));
        assertThat(in.stdoutText()).isEqualTo("ABC");
    }

    @Test
    void identityIsUnprivileged() throws Exception {
        ExecResult r = session.exec("sh", "-c", "id -u; grep -E '^(CapEff|CapPrm|NoNewPrivs|Seccomp):' /proc/self/status");
        assertThat(r.stdoutText()).contains("1000\n").contains("CapEff:\t0000000000000000")
                .contains("CapPrm:\t0000000000000000").contains("NoNewPrivs:\t1").contains("Seccomp:\t2");
    }

    @Test
    void environmentComesFromTheAllowlistOnly() throws Exception {
        ExecResult r = session.exec(ExecRequest.of("env").withEnv(Map.of("FOO", "bar")));
        List<String> names = r.stdoutText().lines().map(l -> l.substring(0, l.indexOf('='))).sorted().toList();
        assertThat(names).containsExactly("FOO", "HOME", "LANG", "LOGNAME", "PATH", "TERM", "TMPDIR", "USER");
    }

    @Test
    void fileToolsRunInsideAndRespectProtectedPaths() throws Exception {
        session.writeFile("out/../new.txt".replace("out/../", ""), "data".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(ws.resolve("new.txt"))).isEqualTo("data");
        assertThat(new String(session.readFile("hello.txt"), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        assertThat(session.listDir(".")).extracting(DirEntry::name).contains("hello.txt", ".git", "new.txt");
        assertThatThrownBy(() -> session.writeFile(".git/config", new byte[]{1}))
                .isInstanceOf(FileToolDeniedException.class)
                .satisfies(e -> assertThat(((FileToolDeniedException) e).denial().kind()).isEqualTo(DenialKind.FILESYSTEM));
        assertThat(Files.readString(ws.resolve(".git/config"))).isEqualTo("[core]\n");
        assertThatThrownBy(() -> session.readFile("/etc/shadow")).isInstanceOf(FileToolException.class);
    }

    @Test
    void timeoutKillsTheCallAndIsReported() throws Exception {
        ExecResult r = session.exec(ExecRequest.of("sleep", "30").withTimeout(Duration.ofMillis(300)));
        assertThat(r.timedOut()).isTrue();
        assertThat(r.wallTime()).isLessThan(Duration.ofSeconds(5));
        assertThat(r.denials()).anyMatch(d -> d.kind() == DenialKind.RESOURCE && d.operation().equals("wall-clock"));
    }

    @Test
    void outputIsCapped() throws Exception {
        ExecResult r = session.exec(ExecRequest.of("head", "-c", "100000", "/dev/zero").withOutputLimit(1000));
        assertThat(r.stdout()).hasSize(1000);
        assertThat(r.stdoutTruncated()).isTrue();
    }

    @Test
    void backgroundProcessesDoNotOutliveTheirCall() throws Exception {
        session.exec("sh", "-c", "(setsid sleep 100 &) ; sleep 100 & echo started");
        ExecResult r = session.exec("sh", "-c", "ls /proc | grep -E '^[0-9]+$' | wc -l; for p in /proc/[0-9]*; do echo $p $(cat $p/comm) $(grep State $p/status); done >&2");
        // bwrap (pid 1), the supervisor, sh, ls, grep, wc
        assertThat(Integer.parseInt(r.stdoutText().strip())).isLessThanOrEqualTo(6);
    }
}

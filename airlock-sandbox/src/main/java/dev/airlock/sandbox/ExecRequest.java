package dev.airlock.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One command to run in the session.
 *
 * @param argv        program and arguments; the program is looked up on the call's {@code PATH}
 * @param cwd         working directory inside the sandbox, relative to {@code /workspace} or absolute; null = workspace
 * @param env         extra variables on top of the policy's environment
 * @param stdin       bytes fed to standard input, then closed
 * @param timeout     wall-clock limit, null = the policy's
 * @param outputLimit cap of stdout and of stderr in bytes, negative = the policy's
 */
public record ExecRequest(List<String> argv, String cwd, Map<String, String> env, byte[] stdin, Duration timeout,
                          int outputLimit) {
    public ExecRequest {
        argv = List.copyOf(argv);
        if (argv.isEmpty() || argv.getFirst().isEmpty()) {
            throw new IllegalArgumentException("argv must name a program");
        }
        for (String a : argv) {
            if (a.indexOf(0) >= 0) {
                throw new IllegalArgumentException("arguments may not contain NUL");
            }
        }
        env = Map.copyOf(env == null ? Map.of() : env);
        stdin = stdin == null ? new byte[0] : stdin.clone();
    }

    public static ExecRequest of(String... argv) {
        return new ExecRequest(List.of(argv), null, Map.of(), null, null, -1);
    }

    /** {@code bash -c SCRIPT} in the workspace. */
    public static ExecRequest shell(String script) {
        return new ExecRequest(List.of("/bin/bash", "-c", script), null, Map.of(), null, null, -1);
    }

    public ExecRequest withTimeout(Duration t) {
        return new ExecRequest(argv, cwd, env, stdin, t, outputLimit);
    }

    public ExecRequest withStdin(byte[] in) {
        return new ExecRequest(argv, cwd, env, in, timeout, outputLimit);
    }

    public ExecRequest withOutputLimit(int limit) {
        return new ExecRequest(argv, cwd, env, stdin, timeout, limit);
    }

    public ExecRequest withEnv(Map<String, String> e) {
        return new ExecRequest(argv, cwd, e, stdin, timeout, outputLimit);
    }

    public ExecRequest withCwd(String dir) {
        return new ExecRequest(argv, dir, env, stdin, timeout, outputLimit);
    }
}

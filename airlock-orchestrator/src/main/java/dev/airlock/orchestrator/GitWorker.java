package dev.airlock.orchestrator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The git role of one run as a single process ({@code airlock git worker}) that serves the run's export and publish
 * requests over its stdin/stdout, one JSON line each way, instead of one JVM per verb: the publish finds the JVM and
 * JGit warm. Its environment holds the push token and nothing else; each request holds paths, ids and the presigned
 * URLs of exactly that request's drop objects — never the drop's credentials. Requests travel on a pipe, so the URLs
 * (bearer capabilities) appear in no command line. A worker that died (killed, crashed) answers with its exit status,
 * as the one-shot process would have.
 */
public final class GitWorker implements AutoCloseable {
    private static final int MAX_ANSWER_CHARS = 4 << 20;
    private final Process process;
    private final OutputStream requests;
    private final BufferedReader answers;
    private final StringBuffer diagnostics = new StringBuffer();

    private GitWorker(Process process) {
        this.process = process;
        this.requests = process.getOutputStream();
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().name("airlock-git-worker-stderr").start(() -> {
            try (var err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = err.readLine()) != null) {
                    if (diagnostics.length() < 64 * 1024) {
                        diagnostics.append(l).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the worker ended
            }
        });
    }

    /** Starts the worker with {@code granted} (the push token, if any) as the only variables beyond the base. */
    public static GitWorker start(RoleLauncher launcher, Map<String, String> granted) throws IOException {
        return new GitWorker(launcher.startWithInput(Role.GIT, List.of("git", "worker"), granted));
    }

    /**
     * Runs {@code airlock git <args>} in the worker; the result is what that command would have exited with and
     * printed. A worker that died or did not answer within {@code timeout} yields exit status -1 and is killed.
     */
    public synchronized RoleResult call(List<String> args, Duration timeout) {
        long start = System.nanoTime();
        ObjectNode request = Json.mapper().createObjectNode();
        var array = request.putArray("args");
        args.forEach(array::add);
        CompletableFuture<String> answer;
        try {
            requests.write((Json.mapper().writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            requests.flush();
            answer = CompletableFuture.supplyAsync(this::readAnswer, RoleOutput::ownThread);
            String line = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                return dead(args, start, "the git worker exited without answering");
            }
            JsonNode reply = Json.mapper().readTree(line);
            return new RoleResult(Role.GIT, reply.path("exit").asInt(-1), reply.path("stdout").asText(""),
                    reply.path("stderr").asText(""), Duration.ofNanos(System.nanoTime() - start));
        } catch (TimeoutException e) {
            return killed(args, start, "git role timed out after " + timeout);
        } catch (IOException | ExecutionException e) {
            // Broken pipe or end of its output: the worker died (its status says how); anything else is killed.
            return process.isAlive() ? killed(args, start, "the git worker failed: " + e.getMessage())
                    : dead(args, start, "the git worker died: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return killed(args, start, "interrupted while the git role ran");
        }
    }

    private String readAnswer() {
        try {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = answers.read()) != -1 && c != '\n') {
                if (line.length() >= MAX_ANSWER_CHARS) {
                    throw new IOException("answer longer than " + MAX_ANSWER_CHARS + " characters");
                }
                line.append((char) c);
            }
            return c == -1 ? null : line.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Kills a worker that misbehaved; the answer is -1 (not a signal status: no retry by the caller). */
    private RoleResult killed(List<String> args, long start, String why) {
        kill();
        return new RoleResult(Role.GIT, -1, "", diagnostics + "\n" + why + " (git " + args.getFirst() + ")",
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** The answer of a worker that is gone: its exit status (128 + signal when killed), or -1 if it had to be killed. */
    private RoleResult dead(List<String> args, long start, String why) {
        int status = -1;
        try {
            if (process.waitFor(5, TimeUnit.SECONDS)) {
                status = process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new RoleResult(Role.GIT, status, "", diagnostics + "\n" + why + " (git " + args.getFirst() + ")",
                Duration.ofNanos(System.nanoTime() - start));
    }



    public ProcessHandle process() {
        return process.toHandle();
    }

    private void kill() {
        ProcessTree.kill(process);
    }

    /** End of input ends the worker (after a first run, it may still be writing its class-data archive). */
    @Override
    public void close() {
        try {
            requests.close();
        } catch (IOException ignored) {
            // already closed: the worker is gone
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
    }
}

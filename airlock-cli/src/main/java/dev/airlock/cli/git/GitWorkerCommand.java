package dev.airlock.cli.git;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.cli.Main;
import dev.airlock.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The git role as one process per run: answers {@code export} and {@code publish} requests, one JSON line each on
 * stdin ({@code {"args": ["export", "--remote", …]}}), with one JSON line on stdout ({@code {"exit": 0, "stdout":
 * "…", "stderr": "…"}}) — exactly what {@code airlock git export|publish} with those arguments would have exited
 * with and printed. The JVM and JGit warm up once per run instead of once per verb. The process holds the push
 * token (in its environment, or a token file or App key named in the requests) and, per request, the presigned URLs
 * of exactly that request's objects (PUT for the input snapshot and history bundle, GET for the output) — never the
 * drop's credentials. It runs no other subcommand. The URLs are bearer capabilities: they arrive on stdin, so they
 * never appear in a command line, and no answer repeats them.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Serve export and publish requests for one run: one JSON line per request on stdin "
                + "({\"args\": [\"export\", …]}), one JSON line per answer on stdout ({\"exit\": N, \"stdout\": …, "
                + "\"stderr\": …}). Ends at end of input. Started by the orchestrator; not meant for humans."})
public final class GitWorkerCommand implements Callable<Integer> {
    static final Set<String> VERBS = Set.of("export", "publish");
    static final int MAX_REQUEST_BYTES = 256 * 1024;
    static final int MAX_ARGS = 64;

    @Override
    public Integer call() throws IOException {
        // Answers go to the real stdout only; anything a library prints goes to stderr instead.
        PrintStream answers = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        InputStream in = System.in;
        String line;
        while ((line = readLine(in)) != null) {
            if (line.isBlank()) {
                continue;
            }
            answers.println(Json.mapper().writeValueAsString(answer(line)));
            answers.flush();
        }
        return 0;
    }

    static ObjectNode answer(String request) {
        ObjectNode reply = Json.mapper().createObjectNode();
        List<String> args;
        try {
            args = parse(request);
        } catch (IllegalArgumentException e) {
            return reply.put("exit", 2).put("stdout", "").put("stderr", "airlock git worker: " + e.getMessage());
        }
        CommandLine cli = Main.commandLineFor("git");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> full = new ArrayList<>();
        full.add("git");
        full.addAll(args);
        int code = cli.execute(full.toArray(String[]::new));
        return reply.put("exit", code).put("stdout", redact(out.toString(), args))
                .put("stderr", redact(err.toString(), args));
    }

    /**
     * The text without any presigned URL of the request (picocli quotes an argument it cannot place): answers end up
     * in the run's recorded reasons, and a URL is a bearer capability until it expires.
     */
    static String redact(String text, List<String> args) {
        String redacted = text;
        for (String a : args) {
            if (a.contains("X-Amz-Signature=")) {
                redacted = redacted.replace(a, "<presigned URL>");
            }
        }
        return redacted;
    }

    /** The request's arguments: strings only, a bounded number, and a git verb first. */
    static List<String> parse(String request) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(request);
        } catch (IOException e) {
            throw new IllegalArgumentException("request is not JSON");
        }
        JsonNode array = node == null ? null : node.get("args");
        if (array == null || !array.isArray() || array.isEmpty() || array.size() > MAX_ARGS || node.size() != 1) {
            throw new IllegalArgumentException("request must be {\"args\": [verb, …]} with at most " + MAX_ARGS
                    + " arguments");
        }
        List<String> args = new ArrayList<>();
        for (JsonNode a : array) {
            if (!a.isTextual()) {
                throw new IllegalArgumentException("arguments must be strings");
            }
            args.add(a.textValue());
        }
        if (!VERBS.contains(args.getFirst())) {
            throw new IllegalArgumentException("only " + VERBS + " are served, not '" + args.getFirst() + "'");
        }
        return args;
    }

    /** One line of at most {@value #MAX_REQUEST_BYTES} bytes (UTF-8), or null at end of input. */
    static String readLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (buf.size() >= MAX_REQUEST_BYTES) {
                throw new IOException("request longer than " + MAX_REQUEST_BYTES + " bytes");
            }
            buf.write(b);
        }
        return b == -1 && buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
    }
}

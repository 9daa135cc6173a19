package dev.airlock.proxy;

import dev.airlock.core.event.DenialKind;
import dev.airlock.proxy.policy.FailMode;
import dev.airlock.proxy.policy.GenericAction;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.scan.BodyDecoder;
import dev.airlock.proxy.scan.PercentDecoder;
import dev.airlock.scan.Confidence;
import dev.airlock.scan.Finding;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.ScanStream;
import dev.airlock.scan.Scanner;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.logging.Logger;

/**
 * Scans everything the request carries out: the request line, the decoded path and query, every header, and the
 * body (Content-Encoding undone, forms additionally percent-decoded). Known secrets and CERTAIN/HIGH findings
 * block; GENERIC ones block or are logged per policy. A scan that throws or comes back incomplete blocks unless
 * the operator set {@code failMode = "open"}.
 */
public final class ScanInterceptor implements Interceptor {
    private static final Logger LOG = Logger.getLogger(ScanInterceptor.class.getName());
    private static final int CHUNK = 16 * 1024;

    private final Function<GuardPolicy, Scanner> scanners;
    private final LongConsumer scanNanos;

    /**
     * @param scanners  the scanner for a policy (its known secrets differ per session)
     * @param scanNanos receives the time each scan took, for the histogram
     */
    public ScanInterceptor(Function<GuardPolicy, Scanner> scanners, LongConsumer scanNanos) {
        this.scanners = scanners;
        this.scanNanos = scanNanos;
    }

    private record Located(Finding finding, String where) {
    }

    @Override
    public Verdict intercept(Chain chain) {
        GuardRequest r = chain.request();
        GuardPolicy policy = r.policy();
        List<Located> found = new ArrayList<>();
        String incomplete = null;
        long start = System.nanoTime();
        try {
            Scanner scanner = scanners.apply(policy);
            List<String> wheres = new ArrayList<>();
            byte[] head = head(r, wheres);
            ScanResult headResult = scanner.scan(head, "request-head");
            for (Finding f : headResult.findings()) {
                int line = (int) Math.max(1, Math.min(f.line(), wheres.size()));
                found.add(new Located(f, wheres.get(line - 1)));
            }
            if (headResult instanceof ScanResult.Incomplete i) {
                incomplete = i.reason();
            }
            if (r.body().length > 0) {
                byte[] body;
                try {
                    body = BodyDecoder.decode(r.header("content-encoding"), r.body(), policy.maxDecodedBodyBytes());
                } catch (BodyDecoder.DecodeException e) {
                    return e.tooLarge()
                            ? new Deny(413, e.getMessage(), "body-too-large", null, "body",
                            "send a smaller body; the guard must scan all of it", DenialKind.RESOURCE)
                            : new Deny(415, e.getMessage(), "content-encoding", null, "body",
                            "send the body uncompressed or as gzip, deflate or br", DenialKind.POLICY);
                }
                String bodyIncomplete = scanBody(scanner, body, "body", found);
                incomplete = incomplete != null ? incomplete : bodyIncomplete;
                String type = r.header("content-type");
                if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                    String formIncomplete = scanBody(scanner, PercentDecoder.decode(body, true), "body(form-decoded)", found);
                    incomplete = incomplete != null ? incomplete : formIncomplete;
                }
            }
        } catch (RuntimeException e) {
            return failure(chain, r, "scan-error", "scanner failed: " + e.getClass().getSimpleName());
        } finally {
            scanNanos.accept(System.nanoTime() - start);
        }
        List<Finding> logged = new ArrayList<>();
        for (Located l : found) {
            Finding f = l.finding();
            boolean known = f.ruleId().startsWith("known-secret:");
            if (known || f.confidence() != Confidence.GENERIC || policy.generic() == GenericAction.BLOCK) {
                String hint = f.ruleId().startsWith("known-secret:credential.")
                        ? "this is a real credential the guard injects itself; send the placeholder instead"
                        : "remove the secret from the request; credentials must never leave the sandbox";
                return new Deny(403, "secret detected in request (" + f.redacted() + ")", f.ruleId(),
                        f.confidence().name().toLowerCase(Locale.ROOT), l.where(), hint, DenialKind.POLICY);
            }
            logged.add(f);
        }
        if (incomplete != null) {
            return failure(chain, r, "scan-incomplete", "scan incomplete: " + incomplete);
        }
        Verdict next = chain.proceed(r);
        if (!logged.isEmpty() && next instanceof Verdict.Allow a) {
            List<Finding> all = new ArrayList<>(logged);
            all.addAll(a.logged());
            return new Verdict.Allow(a.request(), all, a.notes());
        }
        return next;
    }

    /** The session's scanner (its known secrets differ per policy), for scanning outside a request (WebSocket). */
    public Scanner scannerFor(GuardPolicy policy) {
        return scanners.apply(policy);
    }

    /**
     * Judges one finished scan of data that is not an HTTP request (a WebSocket message): the same blocking rules
     * as for requests. Returns the refusal, or {@code null} when the data may pass.
     */
    public Deny judge(GuardPolicy policy, ScanResult result, String where, long scanNanos) {
        this.scanNanos.accept(scanNanos);
        for (Finding f : result.findings()) {
            boolean known = f.ruleId().startsWith("known-secret:");
            if (known || f.confidence() != Confidence.GENERIC || policy.generic() == GenericAction.BLOCK) {
                return new Deny(403, "secret detected in " + where + " (" + f.redacted() + ")", f.ruleId(),
                        f.confidence().name().toLowerCase(Locale.ROOT), where,
                        "remove the secret from the message; credentials must never leave the sandbox", DenialKind.POLICY);
            }
        }
        if (result instanceof ScanResult.Incomplete i) {
            if (policy.failMode() == FailMode.OPEN) {
                LOG.warning("FAIL-OPEN: forwarding a " + where + " although its scan was incomplete: " + i.reason());
                return null;
            }
            return new Deny(403, "scan incomplete: " + i.reason() + "; refused (fail closed)", "scan-incomplete", null,
                    where, "send smaller messages; the guard never forwards what it could not scan", DenialKind.POLICY);
        }
        return null;
    }

    private Verdict failure(Chain chain, GuardRequest r, String rule, String reason) {
        if (r.policy().failMode() == FailMode.OPEN) {
            LOG.warning("FAIL-OPEN: forwarding request " + r.requestId() + " to " + r.host() + " although " + reason);
            Verdict next = chain.proceed(r);
            if (next instanceof Verdict.Allow a) {
                List<String> notes = new ArrayList<>(a.notes());
                notes.add("fail-open:" + rule);
                return new Verdict.Allow(a.request(), a.logged(), notes);
            }
            return next;
        }
        return new Deny(403, reason + "; refused (fail closed)", rule, null, null,
                "retry with a smaller request; the guard never forwards what it could not scan", DenialKind.POLICY);
    }

    private static String scanBody(Scanner scanner, byte[] body, String where, List<Located> found) {
        ScanResult result;
        try (ScanStream stream = scanner.open(where)) {
            for (int off = 0; off < body.length; off += CHUNK) {
                stream.write(body, off, Math.min(CHUNK, body.length - off));
            }
            result = stream.finish();
        }
        for (Finding f : result.findings()) {
            found.add(new Located(f, where));
        }
        return result instanceof ScanResult.Incomplete i ? i.reason() : null;
    }

    /** The request head as lines; {@code wheres.get(n)} names line n+1. */
    static byte[] head(GuardRequest r, List<String> wheres) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        line(out, wheres, "request-line", r.method() + " " + r.target());
        String target = r.target();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q + 1);
        line(out, wheres, "path", new String(PercentDecoder.decode(path.getBytes(StandardCharsets.UTF_8), false), StandardCharsets.UTF_8));
        line(out, wheres, "query", new String(PercentDecoder.decode(query.getBytes(StandardCharsets.UTF_8), true), StandardCharsets.UTF_8));
        for (Header h : r.headers()) {
            String where = "header:" + h.name().toLowerCase(Locale.ROOT);
            String placeholder = placeholderFor(r, h);
            String basic = decodedBasic(h.value());
            if (placeholder != null) {
                // A header the guard will fill in: the placeholder itself is no secret (and may look like one to a
                // rule, e.g. a Basic credential); everything else in the header is still scanned.
                line(out, wheres, where, h.name() + ": " + (basic != null ? basic : h.value()).replace(placeholder, ""));
                continue;
            }
            line(out, wheres, where, h.name() + ": " + h.value());
            if (basic != null) {
                // Basic credentials are base64: scan the decoded user:password too, or a real token walks out encoded.
                line(out, wheres, where, basic);
            }
        }
        return out.toByteArray();
    }

    private static String placeholderFor(GuardRequest r, Header h) {
        for (dev.airlock.proxy.policy.CredentialRule rule : r.policy().credentials()) {
            if (rule.host().equals(r.host()) && h.is(rule.header()) && h.value().length() < 8192) {
                String basic = decodedBasic(h.value());
                if ((basic != null ? basic : h.value()).contains(rule.placeholder())) {
                    return rule.placeholder();
                }
            }
        }
        return null;
    }

    private static String decodedBasic(String value) {
        if (value.length() < 7 || !value.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            return new String(java.util.Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void line(ByteArrayOutputStream out, List<String> wheres, String where, String text) {
        // A decoded path can contain newlines; flatten them so line numbers keep mapping to parts.
        out.writeBytes(text.replace('\n', ' ').replace('\r', ' ').getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        wheres.add(where);
    }
}

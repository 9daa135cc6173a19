package dev.airlock.proxy;

import dev.airlock.core.event.DenialKind;
import dev.airlock.proxy.policy.FailMode;
import dev.airlock.proxy.policy.GenericAction;
import dev.airlock.proxy.policy.GuardPolicy;
import dev.airlock.proxy.scan.BodyDecoder;
import dev.airlock.proxy.scan.MultipartBody;
import dev.airlock.proxy.scan.PercentDecoder;
import dev.airlock.proxy.scan.RegionScan;
import dev.airlock.scan.Confidence;
import dev.airlock.scan.Finding;
import dev.airlock.scan.ScanResult;
import dev.airlock.scan.Scanner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.logging.Logger;

/**
 * Scans everything the request carries out: the request line, the decoded path and query, every header, and the
 * body (Content-Encoding undone, forms additionally percent-decoded, multipart bodies split into parts with their
 * transfer encodings undone), all through one {@link RegionScan}. Known secrets and CERTAIN/HIGH findings block;
 * GENERIC ones block or are logged per policy. A scan that throws or comes back incomplete blocks unless the
 * operator set {@code failMode = "open"}.
 */
public final class ScanInterceptor implements Interceptor {
    private static final Logger LOG = Logger.getLogger(ScanInterceptor.class.getName());

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
        String incomplete;
        long start = System.nanoTime();
        try (RegionScan scan = new RegionScan(scanners.apply(policy))) {
            head(r, scan);
            if (r.body().length > 0) {
                Deny refused = body(r, policy, scan);
                if (refused != null) {
                    return refused;
                }
            }
            ScanResult result = scan.finish();
            for (Finding f : result.findings()) {
                found.add(new Located(f, scan.where(f)));
            }
            incomplete = result instanceof ScanResult.Incomplete i ? i.reason() : null;
        } catch (RuntimeException e) {
            // The class only: a scanner's message may quote what it was scanning.
            LOG.warning("scanner failed: " + e.getClass().getName() + " at " + (e.getStackTrace().length == 0 ? "?"
                    : e.getStackTrace()[0]));
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

    /**
     * Adds the body and its decoded views: Content-Encoding undone, forms percent-decoded, multipart split into
     * parts (each part's headers and transfer-decoded content). Returns the refusal when the body cannot be decoded.
     */
    private static Deny tooLarge(BodyDecoder.DecodeException e) {
        return new Deny(413, e.getMessage(), "body-too-large", null, "body",
                "send a smaller body; the guard must scan all of it", DenialKind.RESOURCE);
    }

    private static Deny body(GuardRequest r, GuardPolicy policy, RegionScan scan) {
        byte[] body;
        try {
            body = BodyDecoder.decode(r.header("content-encoding"), r.body(), policy.maxDecodedBodyBytes());
        } catch (BodyDecoder.DecodeException e) {
            return e.tooLarge() ? tooLarge(e) : new Deny(415, e.getMessage(), "content-encoding", null, "body",
                    "send the body uncompressed or as gzip, deflate or br", DenialKind.POLICY);
        }
        scan.add("body", body);
        String type = r.header("content-type");
        if (type != null && type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)) {
            scan.add("body(form-decoded)", PercentDecoder.decode(body, true));
        } else if (MultipartBody.isMultipart(type)) {
            try {
                // A part's headers are bytes of the body as sent (or of its enclosing part's decoded content), which
                // are scanned already; only the content, with its transfer encoding undone, is new.
                for (MultipartBody.Part part : MultipartBody.parse(type, body, policy.maxDecodedBodyBytes())) {
                    scan.add("body(part " + part.label() + ")", part.content());
                }
            } catch (BodyDecoder.DecodeException e) {
                return e.tooLarge() ? tooLarge(e) : new Deny(400, e.getMessage(), "multipart", null, "body",
                        "send a well-formed multipart body (RFC 2046): one boundary parameter of 1-70 characters, "
                                + "every part delimited by it, ending with '--boundary--'", DenialKind.POLICY);
            }
        }
        return null;
    }

    /** The request head, one region per part: request line, decoded path and query, each header. */
    static void head(GuardRequest r, RegionScan scan) {
        String target = r.target();
        scan.addLatin1("request-line", r.method(), " ", target);
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        scan.add("path", PercentDecoder.decode(path.getBytes(StandardCharsets.ISO_8859_1), false));
        if (q >= 0) {
            scan.add("query", PercentDecoder.decode(target.substring(q + 1).getBytes(StandardCharsets.ISO_8859_1), true));
        }
        boolean credentialRules = !r.policy().credentials().isEmpty();
        for (Header h : r.headers()) {
            String where = "header:" + h.name().toLowerCase(Locale.ROOT);
            String basic = decodedBasic(h.value());
            String placeholder = credentialRules ? placeholderFor(r, h) : null;
            if (placeholder != null) {
                // A header the guard will fill in: the placeholder itself is no secret (and may look like one to a
                // rule, e.g. a Basic credential); everything else in the header is still scanned.
                scan.addLatin1(where, h.name(), ": ", (basic != null ? basic : h.value()).replace(placeholder, ""));
                continue;
            }
            scan.addLatin1(where, h.name(), ": ", h.value());
            if (basic != null) {
                // Basic credentials are base64: scan the decoded user:password too, or a real token walks out encoded.
                scan.addLatin1(where, basic);
            }
        }
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
            // Byte for byte (ISO-8859-1), as the scanner reads everything else.
            return new String(java.util.Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.ISO_8859_1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

package dev.airlock.scan;

import dev.airlock.core.Redaction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Exact secret values that must never leave (the operator's real credentials, per-session canaries), each with a
 * name that is safe to print. Findings for them are {@link Confidence#CERTAIN} with rule id
 * {@code known-secret:NAME}.
 *
 * <p>Design notes. The values are not kept. At construction every value is expanded into the byte strings it
 * may appear as on the wire (verbatim, reversed, hex in either case, percent-encoded, JSON-escaped, base64 and
 * base64url at each of the three byte alignments — for base64 only the characters fully determined by the
 * secret's own bits), and each such variant is kept only as
 * <ul>
 *   <li>an HMAC-SHA256 under a per-process random key (the verifier), and</li>
 *   <li>a {@value #FILTER_BITS}-bit keyed hash of its last 8 bytes (the candidate filter).</li>
 * </ul>
 * The scan keeps the last 8 input bytes in a register, hashes them with a multiply-shift and tests one bit; only
 * on a filter hit does it HMAC the candidate span. A finding therefore requires an HMAC-SHA256 match over the
 * whole variant: zero false positives in practice. The filter bits leak at most {@value #FILTER_BITS} bits of
 * the last 8 bytes of each variant, and the process key never leaves memory.
 */
public final class KnownSecrets {
    public static final KnownSecrets NONE = new KnownSecrets(List.of(), new byte[0], 0L);

    /** Every variant is at least this long; the candidate filter hashes this many trailing bytes. */
    static final int WINDOW = 8;
    private static final int FILTER_BITS = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One way a secret can appear, held as fingerprints only. */
    record Variant(String name, String encoding, int length, byte[] hmac, String redacted, String fingerprint,
                   Edges edges) {
    }

    /**
     * For a base64 variant: the bits of the secret that share a character with its neighbours. The character
     * before the span must carry the secret's first bits in its low bits and the one after its last bits in its
     * high bits; checking them closes the gap of up to 4 bits at each end that the core alone cannot see.
     */
    record Edges(boolean url, int leadMask, int lead, int trailMask, int trail) {
        boolean accept(byte[] data, int lower, int start, int end, int limit) {
            if (leadMask != 0) {
                int v = start - 1 >= lower ? value(data[start - 1], url) : -1;
                if (v < 0 || (v & leadMask) != lead) {
                    return false;
                }
            }
            if (trailMask != 0) {
                int v = end < limit ? value(data[end], url) : -1;
                return v >= 0 && (v & trailMask) == trail;
            }
            return true;
        }

        private static int value(byte b, boolean url) {
            if (b >= 'A' && b <= 'Z') {
                return b - 'A';
            } else if (b >= 'a' && b <= 'z') {
                return b - 'a' + 26;
            } else if (b >= '0' && b <= '9') {
                return b - '0' + 52;
            } else if (b == (url ? '-' : '+')) {
                return 62;
            } else if (b == (url ? '_' : '/')) {
                return 63;
            }
            return -1;
        }
    }

    private final List<Variant> variants;
    private final byte[] hmacKey;
    private final long multiplier;
    private final long[] filter;
    private final int maxLength;

    private KnownSecrets(List<Variant> variants, byte[] hmacKey, long multiplier) {
        this.variants = List.copyOf(variants);
        this.hmacKey = hmacKey;
        this.multiplier = multiplier;
        this.filter = new long[variants.isEmpty() ? 1 : (1 << FILTER_BITS) / 64];
        this.maxLength = variants.stream().mapToInt(Variant::length).max().orElse(0);
    }

    // Filled once by index() during of(); never changed afterwards.
    private Variant[][] buckets = new Variant[0][];

    /** {@code values}: name → secret value. Values shorter than 8 characters are refused: they would match noise. */
    public static KnownSecrets of(Map<String, String> values) {
        if (values.isEmpty()) {
            return NONE;
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        long multiplier = RANDOM.nextLong() | 1L;
        Mac mac = mac(key);
        List<Variant> variants = new ArrayList<>();
        List<Integer> hashes = new ArrayList<>();
        List<byte[]> seen = new ArrayList<>();
        values.forEach((name, value) -> {
            if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9_.-]+")) {
                throw new ScanException("known secret name '" + name + "' must be [A-Za-z0-9_.-]+");
            }
            if (value == null || value.length() < 8) {
                throw new ScanException("known secret " + name + " is shorter than 8 characters; "
                        + "it would match ordinary text, so it cannot be protected by exact matching");
            }
            String redacted = Redaction.redact(value);
            String fingerprint = Fingerprint.of("known-secret:" + name, value);
            seen.clear();
            for (Map.Entry<String, byte[]> e : variantsOf(value).entrySet()) {
                byte[] bytes = e.getValue();
                if (bytes.length < WINDOW || seen.stream().anyMatch(s -> Arrays.equals(s, bytes))) {
                    continue;
                }
                seen.add(bytes);
                variants.add(new Variant(name, e.getKey(), bytes.length, mac.doFinal(bytes), redacted, fingerprint,
                        edges(value, e.getKey())));
                hashes.add((int) ((window(bytes, bytes.length) * multiplier) >>> (64 - FILTER_BITS)));
            }
            seen.forEach(b -> Arrays.fill(b, (byte) 0));
        });
        KnownSecrets ks = new KnownSecrets(variants, key, multiplier);
        ks.index(hashes);
        return ks;
    }

    private void index(List<Integer> hashes) {
        Map<Integer, List<Variant>> byHash = new LinkedHashMap<>();
        for (int i = 0; i < variants.size(); i++) {
            int h = hashes.get(i);
            filter[h >>> 6] |= 1L << h;
            byHash.computeIfAbsent(h, k -> new ArrayList<>()).add(variants.get(i));
        }
        Variant[][] table = new Variant[1 << FILTER_BITS][];
        byHash.forEach((h, list) -> table[h] = list.toArray(Variant[]::new));
        this.buckets = table;
    }

    /** The encodings a value may appear as, keyed by encoding name (first name wins on duplicates). */
    static Map<String, byte[]> variantsOf(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        Map<String, byte[]> v = new LinkedHashMap<>();
        v.put("plain", utf8);
        v.put("reversed", new StringBuilder(value).reverse().toString().getBytes(StandardCharsets.UTF_8));
        v.put("hex", HexFormat.of().formatHex(utf8).getBytes(StandardCharsets.US_ASCII));
        v.put("hex-upper", HexFormat.of().withUpperCase().formatHex(utf8).getBytes(StandardCharsets.US_ASCII));
        v.put("percent", percent(utf8, true));
        v.put("percent-lower", percent(utf8, false));
        v.put("json", json(value, false, false));
        v.put("json-slash", json(value, true, false));
        v.put("json-ascii", json(value, false, true));
        for (int align = 0; align < 3; align++) {
            v.put("base64-" + align, base64Core(utf8, align, Base64.getEncoder()));
            v.put("base64url-" + align, base64Core(utf8, align, Base64.getUrlEncoder()));
        }
        return v;
    }

    private static Edges edges(String value, String encoding) {
        if (!encoding.startsWith("base64")) {
            return null;
        }
        boolean url = encoding.startsWith("base64url");
        int align = encoding.charAt(encoding.length() - 1) - '0';
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[align + utf8.length];
        System.arraycopy(utf8, 0, padded, align, utf8.length);
        byte[] enc = (url ? Base64.getUrlEncoder() : Base64.getEncoder()).withoutPadding().encode(padded);
        int leadMask = 0, lead = 0, trailMask = 0, trail = 0;
        int firstBit = 8 * align;
        if (firstBit % 6 != 0) {
            int idx = firstBit / 6;
            int k = 6 * idx + 6 - firstBit;
            leadMask = (1 << k) - 1;
            lead = Edges.value(enc[idx], url) & leadMask;
        }
        int endBit = 8 * (align + utf8.length);
        if (endBit % 6 != 0) {
            int idx = endBit / 6;
            int k = endBit - 6 * idx;
            trailMask = ((1 << k) - 1) << (6 - k);
            trail = Edges.value(enc[idx], url) & trailMask;
        }
        Arrays.fill(utf8, (byte) 0);
        Arrays.fill(padded, (byte) 0);
        return new Edges(url, leadMask, lead, trailMask, trail);
    }

    private static byte[] percent(byte[] utf8, boolean upper) {
        StringBuilder sb = new StringBuilder();
        HexFormat hex = upper ? HexFormat.of().withUpperCase() : HexFormat.of();
        for (byte b : utf8) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                sb.append((char) c);
            } else {
                sb.append('%').append(hex.toHexDigits((byte) c));
            }
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] json(String value, boolean escapeSlash, boolean asciiOnly) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '/' -> sb.append(escapeSlash ? "\\/" : "/");
                default -> {
                    if (c < 0x20 || (asciiOnly && c > 0x7e)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The base64 characters of {@code align} unknown bytes followed by the secret that depend only on the secret. */
    private static byte[] base64Core(byte[] utf8, int align, Base64.Encoder encoder) {
        byte[] padded = new byte[align + utf8.length];
        System.arraycopy(utf8, 0, padded, align, utf8.length);
        byte[] encoded = encoder.withoutPadding().encode(padded);
        int firstBit = 8 * align;
        int endBit = 8 * (align + utf8.length);
        int from = (firstBit + 5) / 6;
        int to = endBit / 6;
        return Arrays.copyOfRange(encoded, from, Math.max(from, to));
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

    private static long window(byte[] data, int end) {
        long w = 0;
        for (int i = end - WINDOW; i < end; i++) {
            w = (w << 8) | (data[i] & 0xFF);
        }
        return w;
    }

    public boolean isEmpty() {
        return variants.isEmpty();
    }

    /** Names of the protected values, for logs. */
    public List<String> names() {
        return variants.stream().map(Variant::name).distinct().toList();
    }

    int maxVariantLength() {
        return maxLength;
    }

    /** Receives one verified occurrence: the variant and its span's start in the scanned array. */
    interface Sink {
        void found(Variant variant, int start);
    }

    /**
     * Reports every variant occurrence whose end lies in {@code (endFrom, endTo]}, within {@code data[lower, limit)}.
     */
    void find(byte[] data, int lower, int endFrom, int endTo, int limit, Sink sink) {
        if (variants.isEmpty()) {
            return;
        }
        int first = Math.max(endFrom + 1, lower + WINDOW);
        if (first > endTo) {
            return;
        }
        long w = 0;
        for (int i = first - WINDOW; i < first - 1; i++) {
            w = (w << 8) | (data[i] & 0xFF);
        }
        Mac mac = null;
        final long m = multiplier;
        final long[] f = filter;
        for (int end = first; end <= endTo; end++) {
            w = (w << 8) | (data[end - 1] & 0xFF);
            int h = (int) ((w * m) >>> (64 - FILTER_BITS));
            if ((f[h >>> 6] & (1L << h)) == 0) {
                continue;
            }
            for (Variant v : buckets[h]) {
                int start = end - v.length();
                if (start < lower) {
                    continue;
                }
                if (mac == null) {
                    mac = mac(hmacKey);
                }
                mac.update(data, start, v.length());
                if (MessageDigest.isEqual(mac.doFinal(), v.hmac())
                        && (v.edges() == null || v.edges().accept(data, lower, start, end, limit))) {
                    sink.found(v, start);
                }
            }
        }
    }
}

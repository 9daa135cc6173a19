package dev.airlock.scan;

import dev.airlock.core.Redaction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The incremental scan behind {@link Scanner#open(String)}.
 *
 * <p>Design notes. Input accumulates in a buffer; once a segment of {@value #SEGMENT} new bytes is present it is
 * processed and all but a bounded carry-over is dropped. Every keyword hit, known-secret candidate and encoded
 * region is owned by the segment its start falls in, and is processed only once the bytes it can reach are in
 * the buffer ({@link Engine#tail()} after a hit; the whole region for an encoded region up to
 * {@link Engine#MAX_REGION}). So a secret split across any chunk boundary is seen whole, memory stays bounded
 * by segment + region + carry, and line/column are counted once over each byte as it is dropped.
 */
final class EngineStream implements ScanStream {
    static final int SEGMENT = 1 << 20;
    private static final int MAX_FINDINGS = 10_000;
    private static final byte[] SUPPRESS = "airlock:allow".getBytes(StandardCharsets.US_ASCII);

    private final Engine engine;
    private final String path;
    private final boolean[] active;
    private final long deadline;
    private final long maxCpu;

    private byte[] buf = new byte[0]; // grown on the first write; scanWhole and scanInPlace read the caller's array
    private int len;
    private boolean inPlace;      // buf is the caller's array: bytes are dropped by moving base, never copied
    private int base;             // buf[base] is the first byte kept (always 0 unless inPlace)
    private long bufAbs;          // absolute offset of buf[0]
    private int processed;        // hits/regions starting before this (relative) are done
    private long linesBefore = 1; // line number at buf[base]
    private long lineStartAbs;    // absolute offset where the line containing buf[base] starts
    private long received;
    private long decodedBytes;
    private String incomplete;
    private boolean finished;
    private final long[] decoderResume; // absolute position before which a decoder's regions are done
    private final long[] decoderForced; // absolute position where a cut region continues (-1: none)
    /** Per decoder, the longest piece of a region decoded at once: {@link Engine#MAX_REGION} cut to its alignment. */
    private final int[] pieces;
    private final JsonStringDecoder json;
    private final PercentDecoder percent;
    private final Base64Decoder base64;

    private final List<Pending> pending = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private int newSince;         // pending[newSince..] still need line/column

    /** A finding before line/column are known; {@code regionEnd} is the end of the outermost encoded region. */
    private static final class Pending {
        final String ruleId;
        final Confidence confidence;
        final long offset;
        final long regionEnd;
        final String redacted;
        final String fingerprint;
        final String encoding;
        long line;
        long column;
        boolean suppressed;

        Pending(String ruleId, Confidence confidence, long offset, long regionEnd, String redacted, String fingerprint,
                String encoding) {
            this.ruleId = ruleId;
            this.confidence = confidence;
            this.offset = offset;
            this.regionEnd = regionEnd;
            this.redacted = redacted;
            this.fingerprint = fingerprint;
            this.encoding = encoding;
        }

        int depth() {
            return encoding.equals("plain") ? 0 : encoding.split(">").length;
        }
    }

    /** Where a decoded layer came from: the outermost encoded region and the chain of encodings. */
    private record Origin(long start, long end, String chain) {
        Origin then(String encoding) {
            return new Origin(start, end, chain + ">" + encoding);
        }
    }

    /** Thrown at a checkpoint past a time cap; unwinds the segment being processed. */
    private static final class TimeLimit extends RuntimeException {
        TimeLimit(String reason) {
            super(reason, null, false, false);
        }
    }

    EngineStream(Engine engine, String path) {
        this.engine = engine;
        this.path = path;
        this.active = engine.activeRules(path);
        this.deadline = System.nanoTime() + engine.limits.maxTime().toNanos();
        this.maxCpu = engine.limits.maxCpuTime().toNanos();
        this.decoderResume = new long[engine.decoders.length];
        this.decoderForced = new long[engine.decoders.length];
        Arrays.fill(decoderForced, -1);
        this.pieces = new int[engine.decoders.length];
        for (int d = 0; d < pieces.length; d++) {
            pieces[d] = Engine.MAX_REGION - Engine.MAX_REGION % engine.decoders[d].alignment();
        }
        this.json = (JsonStringDecoder) engine.decoders[JSON];
        this.percent = (PercentDecoder) engine.decoders[PERCENT];
        this.base64 = (Base64Decoder) engine.decoders[BASE64];
        this.scratch = new Scratch[engine.limits.maxDecodeDepth() + 1];
    }

    @Override
    public void write(byte[] chunk, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, chunk.length);
        if (finished) {
            throw new IllegalStateException("write after finish()");
        }
        if (incomplete != null) {
            return; // the result is already "incomplete"; examining more cannot make it clean
        }
        long room = engine.limits.maxBytes() - received;
        if (length > room) {
            length = (int) Math.max(0, room);
            incomplete = "input exceeds the scan limit of " + engine.limits.maxBytes() + " bytes";
        }
        received += length;
        while (length > 0) {
            int take = Math.min(length, processed + SEGMENT + engine.tail() - len);
            if (take <= 0) {
                take = Math.min(length, SEGMENT);
            }
            if (!inPlace) {
                ensureCapacity(len + take);
                System.arraycopy(chunk, offset, buf, len, take);
            }
            len += take;
            offset += take;
            length -= take;
            if (len - processed >= SEGMENT + engine.tail()) {
                process(false);
                if (incomplete != null) {
                    return;
                }
            }
        }
    }

    /**
     * Scans {@code data[0, length)} (at most one segment) as if written in one chunk and finished, reading it in
     * place: with one segment nothing is ever dropped or shifted, so the caller's array is never written to.
     */
    ScanResult scanWhole(byte[] data, int length) {
        Objects.checkFromIndexSize(0, length, data.length);
        if (received != 0 || finished || length > SEGMENT || length > engine.limits.maxBytes()) {
            throw new IllegalStateException("scanWhole on a used stream or an input over one segment");
        }
        buf = data;
        len = length;
        received = len;
        return finish();
    }

    /**
     * Scans {@code data[0, length)} exactly as {@link #write} in chunks of one segment and {@link #finish} would,
     * but reading the caller's array in place: bytes before the carry-over are "dropped" by moving {@link #base}
     * past them, so every layer's lower bound is where the copying buffer would begin and findings are the same.
     */
    ScanResult scanInPlace(byte[] data, int length) {
        Objects.checkFromIndexSize(0, length, data.length);
        if (received != 0 || finished) {
            throw new IllegalStateException("scanInPlace on a used stream");
        }
        buf = data;
        inPlace = true;
        for (int at = 0; at < length && incomplete == null; at += SEGMENT) {
            write(data, at, Math.min(SEGMENT, length - at));
        }
        return finish();
    }

    @Override
    public ScanResult finish() {
        if (finished) {
            throw new IllegalStateException("finish() called twice");
        }
        finished = true;
        if (incomplete == null || pending.size() < MAX_FINDINGS) {
            process(true);
        }
        List<Finding> findings = collect();
        return incomplete != null ? new ScanResult.Incomplete(findings, incomplete) : new ScanResult.Complete(findings);
    }

    @Override
    public void close() {
        buf = new byte[0];
        len = 0;
        base = 0;
    }

    private void ensureCapacity(int n) {
        if (n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(n, Math.min(buf.length * 2, SEGMENT + Engine.MAX_REGION + 2 * engine.tail()
                    + engine.carry() + 4096)));
        }
    }

    private void process(boolean last) {
        try {
            checkWallClock();
            int bytes = len - processed;
            // A step this large is worth the clock read that measures all of it; a small one starts being
            // measured at its first checkpoint (unmeasured before that: at most one interval of work).
            cpuAtStart = bytes >= CHECK_EVERY / 4 ? CpuClock.now() : CpuClock.UNREAD;
            spend(bytes);
            int cutoff = scanLayer(buf, base, processed, len, last, 0, null);
            processed = cutoff;
        } catch (TimeLimit e) {
            incomplete = e.getMessage();
        } finally {
            if (cpuAtStart != CpuClock.UNREAD) {
                cpuSpent += CpuClock.now() - cpuAtStart;
                cpuAtStart = CpuClock.UNREAD;
            }
        }
        locate();
        if (!last) {
            dropBefore(Math.max(base, processed - engine.carry()));
        }
    }

    /**
     * Scans {@code data[lower, len)}: every hit, candidate and region starting in {@code [from, cutoff)} where
     * cutoff is {@code len} when {@code last}, else as far as the available bytes allow. Returns the cutoff.
     */
    private int scanLayer(byte[] data, int lower, int from, int len, boolean last, int depth, Origin origin) {
        int cutoff = last ? len : Math.max(from, len - engine.tail());
        Scratch scratch = scratch(depth);
        LayerEvents events = scratch.events;
        engine.prefilter.scan(data, lower, from, len, events);
        cutoff = decodeRegions(data, lower, from, cutoff, len, last, depth, origin, events);
        matchRules(data, lower, from, cutoff, len, origin, scratch);
        int knownEnd = last ? len : cutoff;
        engine.known.find(data, lower, from, knownEnd, len, (variant, start) -> report(
                "known-secret:" + variant.name(), Confidence.CERTAIN, data, start, origin,
                variant.redacted(), variant.fingerprint(), variantEncoding(variant.encoding())));
        return cutoff;
    }

    private static String variantEncoding(String encoding) {
        int dash = encoding.indexOf('-');
        return encoding.startsWith("base64") || encoding.startsWith("percent") || encoding.startsWith("json")
                || encoding.startsWith("hex") ? (dash < 0 ? encoding : encoding.substring(0, dash)) : encoding;
    }

    private void matchRules(byte[] data, int lower, int from, int cutoff, int len, Origin origin, Scratch scratch) {
        LayerEvents events = scratch.events;
        if (engine.rules.isEmpty() || cutoff <= from || events.hitCount == 0) {
            return;
        }
        int[][] windows = scratch.windows;
        int[] counts = scratch.counts;
        int[] hits = events.hits;
        for (int h = 0; h < events.hitCount; h += 2) {
            int keyword = hits[h];
            int start = hits[h + 1];
            if (start >= cutoff) {
                continue;
            }
            int end = start + engine.automaton.keywordLength(keyword);
            for (int r : engine.rulesByKeyword[keyword]) {
                if (!active[r]) {
                    continue;
                }
                Rule rule = engine.rules.get(r);
                if (!rule.hitFilter().admits(data, end, len)) {
                    continue;
                }
                int ws = Math.max(lower, start - rule.maxKeywordOffset() - 1);
                int we = Math.min(len, start + rule.maxLength() + 1);
                int[] w = windows[r];
                int c = counts[r];
                if (c > 0 && ws >= w[c - 2] && ws <= w[c - 1]) {
                    w[c - 1] = Math.max(w[c - 1], we); // overlaps the previous window: merge
                    continue;
                }
                if (c == 0) {
                    scratch.touched[scratch.touchedCount++] = r;
                }
                if (w == null) {
                    w = windows[r] = new int[8];
                } else if (c + 2 > w.length) {
                    w = windows[r] = Arrays.copyOf(w, w.length * 2);
                }
                w[c] = ws;
                w[c + 1] = we;
                counts[r] = c + 2;
            }
        }
        if (scratch.touchedCount == 0) {
            return;
        }
        // Rules in id order, as the reference path reports them.
        Arrays.sort(scratch.touched, 0, scratch.touchedCount);
        Latin1View text = new Latin1View(data, 0, len);
        try {
            for (int t = 0; t < scratch.touchedCount; t++) {
                int r = scratch.touched[t];
                int[] w = windows[r];
                Rule rule = engine.rules.get(r);
                int c = mergeSorted(w, counts[r]);
                for (int i = 0; i < c; i += 2) {
                    spend((long) (w[i + 1] - w[i]) * RE2_WEIGHT);
                    RuleMatcher.matchRegion(engine.searches[r], text, w[i], w[i + 1], lower, len, m -> report(rule.id(), m.confidence(), data,
                            m.secretStart(), origin, Redaction.redact(m.secret()), Fingerprint.of(rule.id(), m.secret()),
                            "plain"));
                }
            }
        } finally {
            for (int t = 0; t < scratch.touchedCount; t++) {
                counts[scratch.touched[t]] = 0;
            }
            scratch.touchedCount = 0;
        }
    }

    /** Per-depth working memory, reused for every layer of that depth so a scan allocates nothing per hit. */
    private static final class Scratch {
        final LayerEvents events = new LayerEvents();
        /** The decoded bytes of the layer at this depth (unused at depth 0, which is the input). */
        final LayerBuffer layer = new LayerBuffer();
        final Regions regions = new Regions();
        final int[][] windows;
        final int[] counts;
        final int[] touched;
        int touchedCount;

        Scratch(int rules) {
            windows = new int[rules][];
            counts = new int[rules];
            touched = new int[rules];
        }
    }

    private final Scratch[] scratch;

    private Scratch scratch(int depth) {
        Scratch s = scratch[depth];
        if (s == null) {
            s = scratch[depth] = new Scratch(engine.rules.size());
        }
        return s;
    }

    /** Windows arrive nearly sorted (keywords differ in length); sort pairs by start and merge overlaps. */
    private static int mergeSorted(int[] w, int count) {
        boolean sorted = true;
        for (int i = 2; i < count; i += 2) {
            if (w[i] < w[i - 2]) {
                sorted = false;
                break;
            }
        }
        if (!sorted) {
            long[] pairs = new long[count / 2];
            for (int i = 0; i < count; i += 2) {
                pairs[i / 2] = ((long) w[i] << 32) | (w[i + 1] & 0xFFFFFFFFL);
            }
            Arrays.sort(pairs);
            for (int i = 0; i < pairs.length; i++) {
                w[2 * i] = (int) (pairs[i] >>> 32);
                w[2 * i + 1] = (int) pairs[i];
            }
        }
        int out = 0;
        for (int i = 0; i < count; i += 2) {
            if (out > 0 && w[i] <= w[out - 1]) {
                w[out - 1] = Math.max(w[out - 1], w[i + 1]);
            } else {
                w[out] = w[i];
                w[out + 1] = w[i + 1];
                out += 2;
            }
        }
        return out;
    }

    /** The JSON and percent regions of one layer, visited in order of their start (ties: in the order found). */
    private static final class Regions {
        /** {@code start << 32 | index}: sorting these orders by start, ties by index. */
        long[] order = new long[16];
        int[] ends = new int[16];
        byte[] decoders = new byte[16];
        int count;

        void add(int decoder, int start, int end) {
            if (count == order.length) {
                order = Arrays.copyOf(order, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
                decoders = Arrays.copyOf(decoders, count * 2);
            }
            order[count] = ((long) start << 32) | count;
            ends[count] = end;
            decoders[count] = (byte) decoder;
            count++;
        }

        int start(int k) {
            return (int) (order[k] >>> 32);
        }

        int end(int k) {
            return ends[(int) order[k]];
        }

        int decoder(int k) {
            return decoders[(int) order[k]];
        }

        void sort() {
            for (int i = 1; i < count; i++) {
                if (order[i] < order[i - 1]) {
                    Arrays.sort(order, 0, count);
                    return;
                }
            }
        }
    }

    private static final int JSON = 0;
    private static final int PERCENT = 1;
    private static final int BASE64 = 2;
    private static final int COMPRESSED = 3;

    /**
     * Turns the prefilter's triggers and runs owned by {@code [from, cutoff)} into encoded regions, decodes them
     * and scans the decoded layers. Returns the cutoff, lowered to the start of a region that may continue past
     * {@code len}.
     *
     * <p>Regions are decoded in order of their start, ties in the order they are found (runs and triggers in
     * input order, a run before the trigger byte that ends it). Base64 runs, most of the regions of ordinary
     * traffic, are decoded as the walk over the runs reaches them, while their bytes are still in cache: only
     * JSON and percent regions, whose start a later trigger can move back past a run, are collected first. The
     * gzip region at a layer's start comes before all others; a JSON or percent region starting where a run
     * starts was found after it (its trigger is past the run's end).
     */
    private int decodeRegions(byte[] data, int lower, int from, int cutoff, int len, boolean last, int depth,
                              Origin origin, LayerEvents events) {
        boolean top = origin == null;
        int doneJson = lower;
        int donePercent = lower;
        int doneBase64 = lower;
        if (top) {
            doneJson = (int) Math.max(lower, Math.min(len, decoderResume[JSON] - bufAbs));
            donePercent = (int) Math.max(lower, Math.min(len, decoderResume[PERCENT] - bufAbs));
            doneBase64 = (int) Math.max(lower, Math.min(len, decoderResume[BASE64] - bufAbs));
        }
        long compressed = -1;
        if (from == lower && (!top || bufAbs + from == 0)) {
            compressed = engine.decoders[COMPRESSED].regionAround(data, lower, lower, len);
        }
        if (events.triggerCount == 0 && events.runCount == 0 && compressed < 0) {
            return cutoff;
        }
        Regions regions = scratch(depth).regions;
        regions.count = 0;
        int[] triggers = events.triggers;
        for (int t = 0; t < events.triggerCount; t++) {
            int i = triggers[t];
            int d = data[i] == '\\' ? JSON : PERCENT;
            int done = d == JSON ? doneJson : donePercent;
            if (i < done) {
                continue;
            }
            long r = d == JSON ? json.regionAround(data, i, Math.max(lower, done), len)
                    : percent.regionAround(data, i, Math.max(lower, done), len);
            if (r < 0) {
                continue;
            }
            int s = (int) (r >>> 32);
            int e = (int) r;
            if (!last && e >= len && e - s < Engine.MAX_REGION) {
                // The region may continue: wait for more input. Runs and triggers after this one start past s.
                cutoff = Math.min(cutoff, s);
                break;
            }
            regions.add(d, s, e);
            if (d == JSON) {
                doneJson = e;
            } else {
                donePercent = e;
            }
        }
        int b64Floor = Math.max(from, doneBase64);
        int[] runs = events.runs;
        if (!last) {
            // A run (or its padding) that may continue: wait for more input. Only the last runs can reach that far.
            for (int u = events.runCount - 2; u >= 0 && runs[u + 1] >= len - 2; u -= 2) {
                int rs = Math.max(runs[u], b64Floor);
                if (rs < runs[u + 1] && runs[u + 1] - rs < Engine.MAX_REGION) {
                    cutoff = Math.min(cutoff, rs);
                }
            }
        }
        regions.sort();
        if (compressed >= 0 && (int) (compressed >>> 32) < cutoff) {
            cutoff = decodeRegion(COMPRESSED, data, (int) (compressed >>> 32), (int) compressed, from, len, last, depth,
                    origin, cutoff);
        }
        int k = 0;
        for (int u = 0; u < events.runCount; u += 2) {
            int rs = Math.max(runs[u], b64Floor);
            int re = runs[u + 1];
            if (re - rs < Base64Decoder.MIN_RUN) {
                continue; // most runs are words: too short to hold an encoded credential
            }
            if (rs >= cutoff) {
                break; // so are the later ones
            }
            for (; k < regions.count && regions.start(k) < rs && regions.start(k) < cutoff; k++) {
                cutoff = decodeRegion(regions.decoder(k), data, regions.start(k), regions.end(k), from, len, last, depth,
                        origin, cutoff);
            }
            if (rs >= cutoff) {
                break;
            }
            long r = Base64Decoder.regionOfRun(data, rs, re, len);
            if (r >= 0) {
                cutoff = decodeRegion(BASE64, data, rs, (int) r, from, len, last, depth, origin, cutoff);
            }
        }
        for (; k < regions.count && regions.start(k) < cutoff; k++) {
            cutoff = decodeRegion(regions.decoder(k), data, regions.start(k), regions.end(k), from, len, last, depth,
                    origin, cutoff);
        }
        return cutoff;
    }

    /** Decodes one region, in pieces if it is over-long; returns the cutoff, lowered if its rest must wait. */
    private int decodeRegion(int which, byte[] data, int s, int end, int from, int len, boolean last, int depth,
                             Origin origin, int cutoff) {
        boolean top = origin == null;
        int piece = pieces[which];
        if (top) {
            decoderForced[which] = -1;
        }
        while (s < end) {
            int e = end - s > piece ? s + piece : end;
            if (!last && e >= len && top) {
                // The rest of an over-long region: continue it in the next segment.
                decoderForced[which] = bufAbs + s;
                decoderResume[which] = bufAbs + s;
                cutoff = Math.min(cutoff, Math.max(from, s));
                break;
            }
            decodeOne(which, data, s, e, depth, origin);
            s = e;
        }
        if (top && s >= end) {
            decoderResume[which] = bufAbs + end;
        }
        return cutoff;
    }

    private void decodeOne(int which, byte[] data, int s, int e, int depth, Origin origin) {
        if (trace != null) {
            trace.region(depth, which, s, e);
        }
        spend(e - s);
        if (incomplete != null && incomplete.startsWith("decoded")) {
            return;
        }
        long budget = engine.limits.maxDecodedBytes() - decodedBytes;
        if (budget <= 0) {
            incomplete = "decoded content exceeds the limit of " + engine.limits.maxDecodedBytes() + " bytes";
            return;
        }
        if (depth >= engine.limits.maxDecodeDepth()) {
            if (probe == null) {
                probe = new LayerBuffer();
            }
            if (decode(which, data, s, Math.min(e, s + 4096), 4096, probe) >= 0) {
                incomplete = "encodings nested deeper than " + engine.limits.maxDecodeDepth() + " layers";
            }
            return;
        }
        // One byte over the budget tells "exactly at the limit" from "cut at the limit".
        LayerBuffer layer = scratch(depth + 1).layer;
        int decoded = decode(which, data, s, e, (int) Math.min(budget + 1, Integer.MAX_VALUE - 16), layer);
        if (decoded < 0) {
            return;
        }
        if (decoded > budget) {
            decoded = (int) budget;
            incomplete = "decoded content exceeds the limit of " + engine.limits.maxDecodedBytes() + " bytes";
        }
        decodedBytes += decoded;
        String name = engine.decoders[which].name();
        Origin inner = origin == null ? new Origin(bufAbs + s, bufAbs + e, name) : origin.then(name);
        scanLayer(layer.bytes, 0, 0, decoded, true, depth + 1, inner);
    }

    /** Calls the decoder by its index: each call site sees one class, so none is a megamorphic interface call. */
    private int decode(int which, byte[] data, int s, int e, int maxOutput, LayerBuffer out) {
        return switch (which) {
            case BASE64 -> base64.decode(data, s, e, maxOutput, out);
            case JSON -> json.decode(data, s, e, maxOutput, out);
            case PERCENT -> percent.decode(data, s, e, maxOutput, out);
            default -> engine.decoders[which].decode(data, s, e, maxOutput, out);
        };
    }

    /** Told of every region (or piece of one) before it is decoded, in order; for tests, else null. */
    interface RegionTrace {
        /** {@code [start, end)} of the layer at {@code depth}, to be decoded by {@code Engine.decoders[decoder]}. */
        void region(int depth, int decoder, int start, int end);
    }

    RegionTrace trace;

    /** Where the decoder at the depth limit checks whether there is one more layer. */
    private LayerBuffer probe;

    private void report(String ruleId, Confidence confidence, byte[] data, int start, Origin origin, String redacted,
                        String fingerprint, String encoding) {
        long offset = origin == null ? bufAbs + start : origin.start;
        String enc = origin == null ? encoding : encoding.equals("plain") ? origin.chain : origin.chain + ">" + encoding;
        long regionEnd = origin == null ? offset : origin.end;
        if (!keys.add(ruleId + '\0' + offset + '\0' + enc + '\0' + fingerprint)) {
            return;
        }
        if (pending.size() >= MAX_FINDINGS) {
            incomplete = "more than " + MAX_FINDINGS + " findings";
            return;
        }
        pending.add(new Pending(ruleId, confidence, offset, regionEnd, redacted, fingerprint, enc));
    }

    /** Line, column and inline suppression for findings added since the last call; offsets are in the buffer. */
    private void locate() {
        if (newSince >= pending.size()) {
            return;
        }
        List<Pending> fresh = new ArrayList<>(pending.subList(newSince, pending.size()));
        fresh.sort(Comparator.comparingLong(p -> p.offset));
        long line = linesBefore;
        long lineStart = lineStartAbs;
        int at = base;
        for (Pending p : fresh) {
            int target = (int) (p.offset - bufAbs);
            if (target > at) {
                int feeds = engine.prefilter.countLineFeeds(buf, at, target);
                if (feeds > 0) {
                    line += feeds;
                    lineStart = bufAbs + lastLineFeed(at, target) + 1;
                }
                at = target;
            }
            p.line = line;
            p.column = p.offset - lineStart + 1;
            if (engine.inlineSuppression) {
                p.suppressed = lineContainsSuppression(target);
            }
        }
        newSince = pending.size();
    }

    /** The last line feed in {@code buf[from, to)}, or -1. */
    private int lastLineFeed(int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private boolean lineContainsSuppression(int at) {
        int s = at;
        while (s > base && buf[s - 1] != '\n' && at - s < 4096) {
            s--;
        }
        int e = at;
        while (e < len && buf[e] != '\n' && e - at < 4096) {
            e++;
        }
        outer:
        for (int i = s; i + SUPPRESS.length <= e; i++) {
            for (int k = 0; k < SUPPRESS.length; k++) {
                if (buf[i + k] != SUPPRESS[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private void dropBefore(int keepFrom) {
        if (keepFrom <= base) {
            return;
        }
        // Minified JSON and base64 bodies have no line feeds: the vector count says so, and the byte-by-byte walk
        // back to the last one runs only when there is one.
        int feeds = engine.prefilter.countLineFeeds(buf, base, keepFrom);
        if (feeds > 0) {
            linesBefore += feeds;
            lineStartAbs = bufAbs + lastLineFeed(base, keepFrom) + 1;
        }
        if (inPlace) {
            base = keepFrom; // the caller's array is only read: forget the bytes instead of moving the rest
            return;
        }
        System.arraycopy(buf, keepFrom, buf, 0, len - keepFrom);
        len -= keepFrom;
        processed -= keepFrom;
        bufAbs += keepFrom;
    }

    /** Units of work between two readings of the clocks; a unit is about one byte examined or decoded. */
    static final int CHECK_EVERY = 1 << 20;
    /** RE2/J walks a window one NFA step per byte, tens of times slower than the prefilter's pass. */
    private static final int RE2_WEIGHT = 32;

    private long work;
    private long nextCheck = CHECK_EVERY;
    private long cpuSpent;        // CPU nanoseconds of finished processing steps
    private long cpuAtStart = CpuClock.UNREAD; // thread CPU clock when the current step began (or its first checkpoint)

    /** Counts {@code units} of work about to be done; past a cap, ends the step with {@link TimeLimit}. */
    private void spend(long units) {
        work += units;
        if (work >= nextCheck) {
            checkpoint();
        }
    }

    private void checkpoint() {
        nextCheck = work + CHECK_EVERY;
        checkWallClock();
        long now = CpuClock.now();
        if (now == CpuClock.UNREAD) {
            return;
        }
        if (cpuAtStart == CpuClock.UNREAD) {
            cpuAtStart = now;
        } else if (cpuSpent + now - cpuAtStart > maxCpu) {
            throw new TimeLimit("scan exceeded its CPU time limit of " + readable(engine.limits.maxCpuTime()));
        }
    }

    private void checkWallClock() {
        if (System.nanoTime() - deadline > 0) {
            throw new TimeLimit("scan exceeded its time limit of " + readable(engine.limits.maxTime()));
        }
    }

    private static String readable(java.time.Duration d) {
        long nanos = d.toNanos();
        return nanos % 1_000_000 == 0 ? nanos / 1_000_000 + " ms" : nanos % 1000 == 0 ? nanos / 1000 + " µs" : nanos + " ns";
    }

    /**
     * Final findings: suppressed ones removed, and a finding in a decoded layer dropped when the same secret of
     * the same rule was already reported at a shallower layer inside the same encoded region.
     */
    private List<Finding> collect() {
        List<Pending> all = new ArrayList<>(pending);
        all.sort(Comparator.comparingInt(Pending::depth).thenComparingLong(p -> p.offset));
        Map<String, List<Pending>> kept = new HashMap<>();
        List<Finding> out = new ArrayList<>();
        for (Pending p : all) {
            if (p.suppressed) {
                continue;
            }
            String key = p.ruleId + '\0' + p.fingerprint;
            List<Pending> same = kept.computeIfAbsent(key, k -> new ArrayList<>());
            boolean covered = p.depth() > 0 && same.stream().anyMatch(q -> q.depth() < p.depth()
                    && q.offset >= p.offset && q.offset < Math.max(p.regionEnd, p.offset + 1));
            if (covered) {
                continue;
            }
            same.add(p);
            out.add(new Finding(p.ruleId, p.confidence, path, p.offset, p.line, p.column, p.redacted, p.fingerprint,
                    p.encoding));
        }
        out.sort(Comparator.comparingLong(Finding::offset).thenComparing(Finding::ruleId)
                .thenComparing(Finding::encoding));
        return MostSpecificFindingWins.apply(out);
    }
}

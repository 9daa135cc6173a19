package dev.airlock.scan;

/** The portable prefilter: the keyword DFA, then one byte-class loop for triggers and base64 runs. */
final class ScalarPrefilter implements Prefilter {
    /** Byte classes: 1 base64 alphabet, 2 backslash or percent. */
    private static final byte[] CLASS = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            CLASS[b] = (byte) (Base64Decoder.inAlphabet((byte) b) ? 1 : b == '\\' || b == '%' ? 2 : 0);
        }
    }

    private final KeywordAutomaton automaton;

    ScalarPrefilter(KeywordAutomaton automaton) {
        this.automaton = automaton;
    }

    @Override
    public void scan(byte[] data, int lower, int from, int len, LayerEvents out) {
        out.clear();
        int scanFrom = Math.max(lower, from - automaton.maxKeywordLength());
        automaton.scan(data, scanFrom, len, (keyword, end) -> {
            int start = end - automaton.keywordLength(keyword);
            if (start >= from) {
                out.hit(keyword, start);
            }
        });
        regions(data, from, len, 0, out);
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Eight bytes at a time: a byte is a line feed iff it is zero after XOR with 0x0A, tested without carries. */
    @Override
    public int countLineFeeds(byte[] data, int from, int to) {
        final long lf = 0x0A0A0A0A0A0A0A0AL;
        final long low7 = 0x7F7F7F7F7F7F7F7FL;
        int n = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(data, i) ^ lf;
            n += Long.bitCount(~(((x & low7) + low7) | x | low7));
        }
        for (; i < to; i++) {
            n += data[i] == '\n' ? 1 : 0;
        }
        return n;
    }

    /**
     * Triggers and runs in {@code data[from, len)}, given that the {@code carry} bytes before {@code from} are
     * the tail of a run that started at or after the scan's own start.
     */
    static void regions(byte[] data, int from, int len, int carry, LayerEvents out) {
        final byte[] cls = CLASS;
        int runStart = from - carry;
        boolean inRun = carry > 0;
        for (int i = from; i < len; i++) {
            int c = cls[data[i] & 0xFF];
            if (c == 1) {
                if (!inRun) {
                    runStart = i;
                    inRun = true;
                }
                continue;
            }
            if (inRun) {
                inRun = false;
                run(runStart, i, len, out);
            }
            if (c == 2) {
                out.trigger(i);
            }
        }
        if (inRun) {
            run(runStart, len, len, out);
        }
    }

    static void run(int start, int end, int len, LayerEvents out) {
        if (end - start >= Base64Decoder.MIN_RUN || end >= len - 2) {
            out.run(start, end);
        }
    }
}

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

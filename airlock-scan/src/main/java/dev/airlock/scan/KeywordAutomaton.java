package dev.airlock.scan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The prefilter: every keyword of every rule, compiled once into a dense Aho-Corasick DFA over bytes.
 *
 * <p>Design notes. The hot loop is one table load per input byte ({@code state = table[state << 8 | byte]}), so
 * throughput does not depend on the number of keywords. ASCII case-folding is folded into the table (the
 * transitions on {@code 'A'..'Z'} are those of {@code 'a'..'z'}), so there is no per-byte lower-casing. An
 * accepting state is encoded as a negative table entry, so the common non-accepting case costs one sign test.
 * The table is {@code states × 256} ints; with a few hundred keywords that is well under a few MB.
 */
final class KeywordAutomaton {
    /** Receives the end (exclusive) of every keyword occurrence, in input order. */
    interface HitSink {
        void hit(int keyword, int end);
    }

    private final int[] table;
    private final int[][] outputs;
    private final int[] lengths;
    private final int maxLength;

    private KeywordAutomaton(int[] table, int[][] outputs, int[] lengths) {
        this.table = table;
        this.outputs = outputs;
        this.lengths = lengths;
        this.maxLength = Arrays.stream(lengths).max().orElse(0);
    }

    static KeywordAutomaton compile(List<String> keywords) {
        List<int[]> gotoRows = new ArrayList<>();
        List<List<Integer>> out = new ArrayList<>();
        gotoRows.add(newRow());
        out.add(new ArrayList<>());
        int[] lengths = new int[keywords.size()];
        for (int k = 0; k < keywords.size(); k++) {
            byte[] kw = keywords.get(k).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
            if (kw.length == 0) {
                throw new IllegalArgumentException("empty keyword");
            }
            lengths[k] = kw.length;
            int s = 0;
            for (byte b : kw) {
                int c = b & 0xFF;
                if (gotoRows.get(s)[c] < 0) {
                    gotoRows.get(s)[c] = gotoRows.size();
                    gotoRows.add(newRow());
                    out.add(new ArrayList<>());
                }
                s = gotoRows.get(s)[c];
            }
            out.get(s).add(k);
        }
        int n = gotoRows.size();
        int[] fail = new int[n];
        int[] dfa = new int[n * 256];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < 256; c++) {
            int t = gotoRows.get(0)[c];
            if (t < 0) {
                dfa[c] = 0;
            } else {
                dfa[c] = t;
                fail[t] = 0;
                queue.add(t);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            out.get(s).addAll(out.get(fail[s]));
            for (int c = 0; c < 256; c++) {
                int t = gotoRows.get(s)[c];
                if (t < 0) {
                    dfa[s * 256 + c] = dfa[fail[s] * 256 + c];
                } else {
                    dfa[s * 256 + c] = t;
                    fail[t] = dfa[fail[s] * 256 + c];
                    queue.add(t);
                }
            }
        }
        // Case folding: upper-case ASCII behaves as lower-case (keywords are lower-case).
        for (int s = 0; s < n; s++) {
            for (int c = 'A'; c <= 'Z'; c++) {
                dfa[s * 256 + c] = dfa[s * 256 + c + 32];
            }
        }
        int[][] outputs = new int[n][];
        for (int s = 0; s < n; s++) {
            outputs[s] = out.get(s).stream().mapToInt(Integer::intValue).distinct().toArray();
        }
        for (int i = 0; i < dfa.length; i++) {
            if (outputs[dfa[i]].length > 0) {
                dfa[i] = ~dfa[i];
            }
        }
        return new KeywordAutomaton(dfa, outputs, lengths);
    }

    private static int[] newRow() {
        int[] row = new int[256];
        Arrays.fill(row, -1);
        return row;
    }

    /** Runs from the start state over {@code data[from, to)}; reports every occurrence ending in the range. */
    void scan(byte[] data, int from, int to, HitSink sink) {
        final int[] t = table;
        int s = 0;
        for (int i = from; i < to; i++) {
            s = t[(s << 8) | (data[i] & 0xFF)];
            if (s < 0) {
                s = ~s;
                for (int k : outputs[s]) {
                    sink.hit(k, i + 1);
                }
            }
        }
    }

    int keywordLength(int keyword) {
        return lengths[keyword];
    }

    int maxKeywordLength() {
        return maxLength;
    }

    int states() {
        return outputs.length;
    }
}

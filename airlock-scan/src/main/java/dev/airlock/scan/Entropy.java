package dev.airlock.scan;

/** Shannon entropy in bits per character, over the characters actually present. */
public final class Entropy {
    private Entropy() {
    }

    public static double shannon(CharSequence s) {
        int n = s.length();
        if (n == 0) {
            return 0;
        }
        int[] counts = new int[128];
        java.util.Map<Character, Integer> other = null;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                if (other == null) {
                    other = new java.util.HashMap<>();
                }
                other.merge(c, 1, Integer::sum);
            }
        }
        double bits = 0;
        // Most characters of a secret occur once or twice: each distinct count's term is computed once (the same
        // double every time, summed in the same order, so the result is bit for bit what it always was).
        double[] termOf = new double[Math.min(n, 32) + 1];
        for (int count : counts) {
            if (count == 0) {
                continue;
            }
            if (count < termOf.length) {
                double t = termOf[count];
                if (t == 0) {
                    t = termOf[count] = term(count, n);
                }
                bits += t;
            } else {
                bits += term(count, n);
            }
        }
        if (other != null) {
            for (int count : other.values()) {
                bits += term(count, n);
            }
        }
        return bits;
    }

    private static double term(int count, int n) {
        if (count == 0) {
            return 0;
        }
        double p = (double) count / n;
        return -p * (Math.log(p) / Math.log(2));
    }
}

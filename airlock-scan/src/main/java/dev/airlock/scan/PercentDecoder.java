package dev.airlock.scan;

/** Percent-encoding ({@code %2B}, {@code %2f}) in URLs, query strings and form bodies. */
final class PercentDecoder implements LayerDecoder {
    private static final boolean[] URL = new boolean[256];

    static {
        for (char c : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%!$&'()*+,;=:@/?".toCharArray()) {
            URL[c] = true;
        }
    }

    @Override
    public String name() {
        return "percent";
    }

    @Override
    public long regionAround(byte[] data, int at, int floor, int limit) {
        if (at + 2 >= limit || Character.digit(data[at + 1], 16) < 0 || Character.digit(data[at + 2], 16) < 0) {
            return -1;
        }
        int s = at;
        while (s > floor && URL[data[s - 1] & 0xFF] && at - s < Engine.MAX_REGION) {
            s--;
        }
        int e = at;
        while (e < limit && URL[data[e] & 0xFF]) {
            e++;
        }
        return LayerDecoder.pack(s, e);
    }

    @Override
    public int decode(byte[] data, int start, int end, int maxOutput, LayerBuffer layer) {
        int capacity = Math.min(end - start, maxOutput);
        byte[] out = layer.ensure(capacity);
        int n = 0;
        for (int i = start; i < end && n < capacity; i++) {
            if (data[i] == '%' && i + 2 < end) {
                int hi = Character.digit(data[i + 1], 16);
                int lo = Character.digit(data[i + 2], 16);
                if (hi >= 0 && lo >= 0) {
                    out[n++] = (byte) (hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            out[n++] = data[i];
        }
        return n;
    }

    @Override
    public int alignment() {
        return 3;
    }
}

package dev.airlock.scan;

/**
 * JSON string escapes: {@code \n}, {@code \"}, {@code \/}, {@code \\u002b}… A region is a run of bytes between
 * quotes (no raw quote or line break) that contains at least one escape. This is how a PEM key or a token with
 * a slash travels inside an LLM API request body.
 */
final class JsonStringDecoder implements LayerDecoder {
    @Override
    public String name() {
        return "json";
    }

    @Override
    public long regionAround(byte[] data, int at, int floor, int limit) {
        if (at + 1 >= limit || "nrtbf\"\\/u".indexOf(data[at + 1]) < 0) {
            return -1;
        }
        int s = at;
        while (s > floor && at - s < Engine.MAX_REGION) {
            byte b = data[s - 1];
            if (b == '"' || b == '\n' || b == '\r') {
                break;
            }
            s--;
        }
        int e = at;
        while (e < limit) {
            byte b = data[e];
            if (b == '\\') {
                e += 2;
                continue;
            }
            if (b == '"' || b == '\n' || b == '\r') {
                break;
            }
            e++;
        }
        return LayerDecoder.pack(s, Math.min(e, limit));
    }

    @Override
    public int decode(byte[] data, int start, int end, int maxOutput, LayerBuffer layer) {
        // Every escape decodes to at most as many bytes as it takes, so the output never outgrows the input.
        int capacity = Math.min(end - start, maxOutput);
        Output out = new Output(layer.ensure(capacity), capacity);
        boolean changed = false;
        for (int i = start; i < end && out.size < maxOutput; i++) {
            byte b = data[i];
            if (b != '\\' || i + 1 >= end) {
                out.write(b);
                continue;
            }
            byte e = data[++i];
            changed = true;
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'b' -> out.write('\b');
                case 'f' -> out.write('\f');
                case 'u' -> {
                    int cp = i + 4 < end ? hex4(data, i + 1) : -1;
                    if (cp < 0) {
                        return -1;
                    } else {
                        i += 4;
                        if (Character.isHighSurrogate((char) cp) && i + 6 < end && data[i + 1] == '\\'
                                && data[i + 2] == 'u' && hex4(data, i + 3) >= 0) {
                            int low = hex4(data, i + 3);
                            if (Character.isLowSurrogate((char) low)) {
                                cp = Character.toCodePoint((char) cp, (char) low);
                                i += 6;
                            }
                        }
                        writeUtf8(out, cp);
                    }
                }
                case '"', '\\', '/' -> out.write(e);
                default -> {
                    return -1; // not a JSON escape: this is not a JSON string, so do not guess
                }
            }
        }
        return changed ? Math.min(out.size, capacity) : -1;
    }

    /** UTF-8 of one code point; a lone surrogate becomes '?', as {@code String.getBytes(UTF_8)} does. */
    /** A byte sink without the locking and bounds growth of {@code ByteArrayOutputStream}; drops bytes past its end. */
    private static final class Output {
        final byte[] bytes;
        final int capacity;
        int size;

        Output(byte[] bytes, int capacity) {
            this.bytes = bytes;
            this.capacity = capacity;
        }

        void write(int b) {
            if (size < capacity) {
                bytes[size] = (byte) b;
            }
            size++;
        }
    }

    private static void writeUtf8(Output out, int cp) {
        if (cp < 0x80) {
            out.write(cp);
        } else if (cp < 0x800) {
            out.write(0xC0 | cp >> 6);
            out.write(0x80 | cp & 0x3F);
        } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            out.write('?');
        } else if (cp < 0x10000) {
            out.write(0xE0 | cp >> 12);
            out.write(0x80 | cp >> 6 & 0x3F);
            out.write(0x80 | cp & 0x3F);
        } else {
            out.write(0xF0 | cp >> 18);
            out.write(0x80 | cp >> 12 & 0x3F);
            out.write(0x80 | cp >> 6 & 0x3F);
            out.write(0x80 | cp & 0x3F);
        }
    }

    private static int hex4(byte[] data, int at) {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(data[at + k], 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }

    @Override
    public int alignment() {
        return 1;
    }
}

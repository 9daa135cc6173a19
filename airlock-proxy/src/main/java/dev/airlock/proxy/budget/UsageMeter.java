package dev.airlock.proxy.budget;

import dev.airlock.core.SessionId;
import dev.airlock.proxy.ResponseObserver;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Counts the tokens in the responses of one LLM API connection. A JSON body is kept whole (at most
 * {@value #MAX_JSON_BYTES} bytes) and read at its end; a server-sent-event stream is cut into lines (at most
 * {@value #MAX_EVENT_BYTES} bytes per event) and each event's data is read as it completes, so usage is known while
 * the stream still runs. No regular expressions; everything kept is bounded. A response that cannot be counted
 * (compressed, over a cap, not JSON) is recorded as unmetered rather than guessed at.
 */
final class UsageMeter implements ResponseObserver {
    static final int MAX_JSON_BYTES = 4 << 20;
    static final int MAX_EVENT_BYTES = 1 << 20;

    private enum State { IGNORE, JSON, SSE }

    private final TokenLedger ledger;
    private final SessionId session;
    private final UsageCounter counter = new UsageCounter();
    private State state = State.IGNORE;
    private byte[] buf = new byte[8192];
    private int len;
    private byte[] event = new byte[8192];
    private int eventLen;
    private boolean overflow;

    UsageMeter(TokenLedger ledger, SessionId session) {
        this.ledger = ledger;
        this.session = session;
    }

    @Override
    public void head(int status, String contentType, String contentEncoding) {
        counter.reset();
        len = 0;
        eventLen = 0;
        overflow = false;
        state = State.IGNORE;
        if (status < 200 || status > 299 || contentType == null) {
            return;
        }
        String media = contentType;
        int semi = media.indexOf(';');
        media = (semi < 0 ? media : media.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
        State s = switch (media) {
            case "application/json" -> State.JSON;
            case "text/event-stream" -> State.SSE;
            default -> State.IGNORE;
        };
        if (s != State.IGNORE && contentEncoding != null && !contentEncoding.isBlank()
                && !contentEncoding.strip().equalsIgnoreCase("identity")) {
            // The guard asks for identity; an upstream that compresses anyway is not counted, but it is recorded.
            ledger.unmetered(session);
            return;
        }
        state = s;
    }

    @Override
    public void body(ByteBuffer chunk) {
        switch (state) {
            case IGNORE -> { }
            case JSON -> {
                int n = chunk.remaining();
                if (len + n > MAX_JSON_BYTES) {
                    ledger.unmetered(session);
                    state = State.IGNORE;
                    return;
                }
                ensure(len + n);
                chunk.get(buf, len, n);
                len += n;
            }
            case SSE -> {
                // Whole runs up to each newline are copied at once; a line longer than the cap is dropped (overflow).
                while (chunk.hasRemaining()) {
                    int start = chunk.position();
                    int end = chunk.limit();
                    int nl = start;
                    while (nl < end && chunk.get(nl) != '\n') {
                        nl++;
                    }
                    int n = nl - start;
                    int keep = Math.min(n, MAX_EVENT_BYTES - len);
                    if (keep > 0) {
                        ensure(len + keep);
                        chunk.get(start, buf, len, keep);
                        len += keep;
                    }
                    if (keep < n) {
                        overflow = true;
                    }
                    if (nl < end) {
                        line();
                        chunk.position(nl + 1);
                    } else {
                        chunk.position(end);
                    }
                }
            }
        }
    }

    @Override
    public void end() {
        switch (state) {
            case IGNORE -> { }
            case JSON -> count(buf, len);
            case SSE -> {
                if (len > 0) {
                    line();
                }
                dispatch();
            }
        }
        state = State.IGNORE;
        len = 0;
        eventLen = 0;
    }

    /** One SSE line ({@code \r\n} or {@code \n}): a blank line ends the event; only {@code data:} fields matter. */
    private void line() {
        int n = len > 0 && buf[len - 1] == '\r' ? len - 1 : len;
        len = 0;
        if (n == 0) {
            dispatch();
            return;
        }
        if (n >= 5 && buf[0] == 'd' && buf[1] == 'a' && buf[2] == 't' && buf[3] == 'a' && buf[4] == ':') {
            int from = n > 5 && buf[5] == ' ' ? 6 : 5;
            int add = n - from + (eventLen > 0 ? 1 : 0);
            if (eventLen + add > MAX_EVENT_BYTES) {
                overflow = true;
                return;
            }
            if (event.length < eventLen + add) {
                event = Arrays.copyOf(event, Math.min(MAX_EVENT_BYTES, Math.max(event.length * 2, eventLen + add)));
            }
            if (eventLen > 0) {
                event[eventLen++] = '\n';
            }
            System.arraycopy(buf, from, event, eventLen, n - from);
            eventLen += n - from;
        }
    }

    private void dispatch() {
        if (overflow) {
            ledger.unmetered(session);
            overflow = false;
        } else if (eventLen > 0) {
            count(event, eventLen);
        }
        eventLen = 0;
    }

    private void count(byte[] doc, int n) {
        long[] growth = counter.accept(doc, n);
        if (growth == null) {
            ledger.unmetered(session);
        } else if (growth[0] > 0 || growth[1] > 0) {
            ledger.add(session, growth[0], growth[1]);
        }
    }

    private void ensure(int size) {
        if (buf.length < size) {
            buf = Arrays.copyOf(buf, Math.max(size, Math.min(buf.length * 2, MAX_JSON_BYTES)));
        }
    }
}

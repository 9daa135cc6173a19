package dev.airlock.proxy.budget;

import dev.airlock.core.SessionId;
import dev.airlock.core.event.DenialKind;
import dev.airlock.proxy.Deny;
import dev.airlock.proxy.GuardRequest;
import dev.airlock.proxy.Interceptor;
import dev.airlock.proxy.ResponseObserver;
import dev.airlock.proxy.Verdict;
import java.util.Locale;
import java.util.Set;

/**
 * The token budget, enforced by the guard (outside the agent): requests to an LLM API host of a session whose budget
 * is used up are refused with 429 and a {@code RESOURCE} denial (rule {@code budget:tokens}); the responses of the
 * others are metered ({@link UsageMeter}). Requests to metered hosts ask for an uncompressed response
 * ({@code Accept-Encoding: identity}) so that every usage block can be read.
 *
 * <p>Placed first in the chain: a spent budget refuses before any scan or DNS lookup.
 */
public final class TokenBudgetInterceptor implements Interceptor, ResponseObserver.Source {
    /** The LLM API hosts metered unless the operator says otherwise. */
    public static final Set<String> DEFAULT_METERED_HOSTS = Set.of("api.anthropic.com", "api.openai.com");
    public static final String RULE = "budget:tokens";

    private final TokenLedger ledger;
    private final Set<String> metered;

    public TokenBudgetInterceptor(TokenLedger ledger, Set<String> meteredHosts) {
        this.ledger = ledger;
        this.metered = meteredHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public Verdict intercept(Chain chain) {
        GuardRequest r = chain.request();
        if (!metered.contains(r.host().value())) {
            return chain.proceed(r);
        }
        TokenUsage used = ledger.usage(r.session());
        if (used.exhausted()) {
            return new Deny(429, "token budget of " + used.budget() + " used up (" + used.total() + " tokens)", RULE,
                    null, null, "the run's LLM token budget is spent; finish with what you have", DenialKind.RESOURCE);
        }
        return chain.proceed(r.withHeader("accept-encoding", "identity"));
    }

    @Override
    public ResponseObserver observe(SessionId session, String host) {
        return metered.contains(host.toLowerCase(Locale.ROOT)) ? new UsageMeter(ledger, session) : null;
    }
}

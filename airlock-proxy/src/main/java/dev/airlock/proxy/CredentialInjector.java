package dev.airlock.proxy;

import dev.airlock.proxy.policy.CredentialRule;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Swaps a rule's placeholder for the real credential, only in that rule's header and only on requests to that
 * rule's host. Runs after scanning: the real value appearing anywhere in a request from inside is a leak and has
 * already been blocked as a known secret. For {@code Authorization: Basic} the placeholder is replaced inside the
 * decoded {@code user:password} (git over HTTPS).
 */
public final class CredentialInjector implements Interceptor {

    @Override
    public Verdict intercept(Chain chain) {
        GuardRequest r = chain.request();
        List<CredentialRule> rules = r.policy().credentials();
        if (rules.isEmpty()) {
            return chain.proceed(r);
        }
        List<Header> out = new ArrayList<>(r.headers().size());
        boolean changed = false;
        for (Header h : r.headers()) {
            String value = h.value();
            for (CredentialRule rule : rules) {
                if (rule.host().equals(r.host()) && h.is(rule.header())) {
                    value = inject(value, rule);
                }
            }
            changed |= !value.equals(h.value());
            out.add(new Header(h.name(), value));
        }
        return chain.proceed(changed ? r.withHeaders(out) : r);
    }

    static String inject(String value, CredentialRule rule) {
        if (rule.header().equals("authorization") && value.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return value;
            }
            if (!decoded.contains(rule.placeholder())) {
                return value;
            }
            String swapped = decoded.replace(rule.placeholder(), rule.value());
            return "Basic " + Base64.getEncoder().encodeToString(swapped.getBytes(StandardCharsets.UTF_8));
        }
        return value.replace(rule.placeholder(), rule.value());
    }
}

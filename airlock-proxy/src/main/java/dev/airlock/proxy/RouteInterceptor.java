package dev.airlock.proxy;

import dev.airlock.proxy.policy.DestinationPolicy;

/**
 * Applies the session's destination policy and pins the destination address. Requests that already carry a
 * destination (inside a CONNECT tunnel, resolved when the tunnel opened) are only checked, not re-resolved.
 */
public final class RouteInterceptor implements Interceptor {
    private final HostResolver resolver;

    public RouteInterceptor(HostResolver resolver) {
        this.resolver = resolver;
    }

    @Override
    public Verdict intercept(Chain chain) {
        GuardRequest r = chain.request();
        Object checked = DestinationPolicy.check(r.policy(), r.method(), r.host().value(), r.port());
        if (checked instanceof Deny d) {
            return d;
        }
        if (r.destination() != null) {
            return chain.proceed(r);
        }
        return switch (DestinationPolicy.resolve(r.policy(), resolver, r.host(), r.port())) {
            case Deny d -> d;
            case Destination d -> chain.proceed(r.withDestination(d));
        };
    }
}

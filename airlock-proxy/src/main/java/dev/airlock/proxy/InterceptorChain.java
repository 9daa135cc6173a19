package dev.airlock.proxy;

import java.util.List;

/** Runs interceptors in order; the end of the chain allows whatever request reached it. */
public final class InterceptorChain implements Interceptor.Chain {
    private final List<Interceptor> interceptors;
    private final int index;
    private final GuardRequest request;

    private InterceptorChain(List<Interceptor> interceptors, int index, GuardRequest request) {
        this.interceptors = interceptors;
        this.index = index;
        this.request = request;
    }

    public static Verdict run(List<Interceptor> interceptors, GuardRequest request) {
        return new InterceptorChain(List.copyOf(interceptors), 0, request).proceed(request);
    }

    @Override
    public GuardRequest request() {
        return request;
    }

    @Override
    public Verdict proceed(GuardRequest next) {
        if (next == null) {
            throw new IllegalStateException("interceptor " + interceptors.get(index - 1).getClass().getName()
                    + " proceeded with a null request");
        }
        if (index == interceptors.size()) {
            return new Verdict.Allow(next, List.of(), List.of());
        }
        Interceptor current = interceptors.get(index);
        Verdict v = current.intercept(new InterceptorChain(interceptors, index + 1, next));
        if (v == null) {
            throw new IllegalStateException("interceptor " + current.getClass().getName() + " returned null");
        }
        return v;
    }
}

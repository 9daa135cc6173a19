package dev.airlock.proxy;

/**
 * One step of the guard's request path (routing, scanning, credential injection), in the style of OkHttp's
 * interceptors: look at {@link Chain#request()}, then either return a {@link Deny} or call
 * {@link Chain#proceed(GuardRequest)} with the (possibly rewritten) request. Runs off the event loop; may block.
 */
public interface Interceptor {

    Verdict intercept(Chain chain);

    interface Chain {
        GuardRequest request();

        Verdict proceed(GuardRequest request);
    }
}

package dev.airlock.proxy;

/** The outcome of routing: a {@link Destination} to dial, or a {@link Deny}. */
public sealed interface RouteDecision permits Destination, Deny {
}

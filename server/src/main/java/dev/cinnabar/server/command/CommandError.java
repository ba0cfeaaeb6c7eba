package dev.cinnabar.server.command;

/**
 * Thrown by a handler (usually through an argument helper) to answer with an error reply. The
 * dispatcher writes the message as the reply. Handlers validate before they start replying, as
 * in Redis, so an error never lands in the middle of a half-written reply.
 *
 * <p>It carries no stack trace: it is a reply, not a bug, and bad input must stay cheap.
 */
public final class CommandError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param reply the full error text with its code, e.g. {@code "ERR syntax error"} */
    public CommandError(String reply) {
        super(reply, null, false, false);
    }
}

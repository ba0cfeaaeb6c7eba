package dev.cinnabar.server.config;

import java.util.List;

/**
 * What the configuration needs of the ACL users, which live above it: their user lines, which
 * CONFIG REWRITE writes, and requirepass, which sets the default user's password.
 */
public interface AclView {
    /** Every user as a config file's {@code user} line, in name order. */
    List<String> userLines();

    /** requirepass changed: the default user's passwords become that one, or nopass when empty. */
    void applyRequirePass(String requirePass);
}

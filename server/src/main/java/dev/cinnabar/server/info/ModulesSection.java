package dev.cinnabar.server.info;

import dev.cinnabar.server.client.ServerContext;

/** {@code # Modules}: one line per loaded module; modules cannot be loaded, so just the header. */
final class ModulesSection implements InfoSection {
    @Override
    public String name() {
        return "modules";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        out.header("Modules");
    }
}

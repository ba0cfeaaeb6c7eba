package dev.cinnabar.server.info;

import dev.cinnabar.server.client.ServerContext;
import dev.cinnabar.server.db.Db;
import dev.cinnabar.server.db.Keyspace;

/** {@code # Keyspace}: one line per database that holds keys. */
final class KeyspaceSection implements InfoSection {
    @Override
    public String name() {
        return "keyspace";
    }

    @Override
    public boolean isDefault() {
        return true;
    }

    @Override
    public void write(ServerContext server, InfoWriter out) {
        out.header("Keyspace");
        Keyspace ks = server.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            Db db = ks.db(i);
            if (db.size() > 0 || db.expiresSize() > 0) {
                out.line("db" + i + ":keys=" + db.size() + ",expires=" + db.expiresSize() + ",avg_ttl=" + db.avgTtl);
            }
        }
    }
}

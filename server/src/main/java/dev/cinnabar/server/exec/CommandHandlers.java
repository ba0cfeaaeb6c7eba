package dev.cinnabar.server.exec;

import dev.cinnabar.server.client.Client;
import dev.cinnabar.server.command.CommandSpec;
import dev.cinnabar.server.command.CommandTable;
import java.util.ArrayList;
import java.util.List;

/**
 * The command table with a handler bound to every command: families bind theirs by full name
 * ({@code get}, {@code config|get}), and a command without a handler, or a handler without
 * metadata, fails the start, so the table and the code cannot drift apart.
 */
public final class CommandHandlers {
    private final CommandTable table;
    private final CommandHandler[] byId;

    public CommandHandlers(CommandTable table) {
        this.table = table;
        this.byId = new CommandHandler[table.size()];
    }

    public CommandTable table() {
        return table;
    }

    /** Binds a handler to a command by full name ({@code get}, {@code config|get}). */
    public void bind(String fullName, CommandHandler handler) {
        CommandSpec spec = table.get(fullName);
        if (spec == null || !spec.fullName.equals(fullName)) {
            throw new IllegalStateException("handler for " + fullName + " has no command metadata");
        }
        if (byId[spec.id()] != null) {
            throw new IllegalStateException("two handlers for " + fullName);
        }
        if (!spec.needsHandler()) {
            throw new IllegalStateException(fullName + " is a container; bind its subcommands");
        }
        byId[spec.id()] = handler;
    }

    /** Binds handler number {@code handler} of {@code family} to a command by full name. */
    public void bind(String fullName, HandlerSwitch family, int handler) {
        bind(fullName, new Switched(family, handler));
    }

    /** One command's entry into its family's switch. */
    private static final class Switched implements CommandHandler {
        private final HandlerSwitch family;
        private final int handler;

        Switched(HandlerSwitch family, int handler) {
            this.family = family;
            this.handler = handler;
        }

        @Override
        public void execute(Client c) {
            family.execute(handler, c);
        }
    }

    /** The handler of {@code spec}; null only for a container called with a subcommand. */
    public CommandHandler of(CommandSpec spec) {
        return byId[spec.id()];
    }

    /** Commands whose metadata has no handler bound; empty once every family registered. */
    public List<String> unbound() {
        List<String> missing = new ArrayList<>();
        for (CommandSpec s : table.all()) {
            if (s.needsHandler() && byId[s.id()] == null) {
                missing.add(s.fullName);
            }
        }
        return missing;
    }

    public void requireComplete() {
        List<String> missing = unbound();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("commands without a handler: " + missing);
        }
    }
}

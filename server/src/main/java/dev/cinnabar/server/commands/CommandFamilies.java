package dev.cinnabar.server.commands;

import dev.cinnabar.server.command.CommandTable;
import dev.cinnabar.server.exec.CommandHandlers;
import java.util.List;

/** Every command family, registered at start. A new family is added here and nowhere else. */
public final class CommandFamilies {
    private static final List<CommandFamily> ALL = List.of(
            new ConnectionCommands.Binding(),
            new ClientCommands.Binding(),
            new ClientTrackingCommands.Binding(),
            new MonitorCommand.Binding(),
            new ServerCommands.Binding(),
            new ConfigCommands.Binding(),
            new CommandCommands.Binding(),
            new KeyCommands.Binding(),
            new MigrateCommand.Binding(),
            new ExpireCommands.Binding(),
            new StringCommands.Binding(),
            new ListCommands.Binding(),
            new ListBlockingCommands.Binding(),
            new HashCommands.Binding(),
            new HashTtlCommands.Binding(),
            new SetCommands.Binding(),
            new ZSetCommands.Binding(),
            new SortCommands.Binding(),
            new ZSetPopCommands.Binding(),
            new ZSetAlgebraCommands.Binding(),
            new GeoCommands.Binding(),
            new BitmapCommands.Binding(),
            new HyperLogLogCommands.Binding(),
            new StreamCommands.Binding(),
            new StreamGroupCommands.Binding(),
            new TransactionCommands.Binding(),
            new ScriptingCommands.Binding(),
            new FunctionCommands.Binding(),
            new DumpCommands.Binding(),
            new PubSubCommands.Binding(),
            new SlowlogCommands.Binding(),
            new LatencyCommands.Binding(),
            new LolwutCommand.Binding(),
            new MemoryCommands.Binding(),
            new DebugCommands.Binding(),
            new ModuleCommands.Binding(),
            new ReplicationCommands.Binding(),
            new ClusterCommands.Binding(),
            new AclCommands.Binding(),
            new ShutdownCommand.Binding(),
            new PersistenceCommands.Binding(),
            new AofCommands.Binding());

    private CommandFamilies() {
    }

    /** The shipped command table with every handler bound; fails if any command lacks one. */
    public static CommandHandlers newHandlers() {
        CommandHandlers handlers = new CommandHandlers(CommandTable.load());
        registerAll(handlers);
        handlers.requireComplete();
        return handlers;
    }

    public static void registerAll(CommandHandlers handlers) {
        for (CommandFamily f : ALL) {
            f.register(handlers);
        }
    }
}

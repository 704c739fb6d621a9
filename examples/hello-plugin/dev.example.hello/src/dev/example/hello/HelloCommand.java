package dev.example.hello;

import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Component;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code atelier hello [NAME]}: a subcommand contributed by a plugin, as a DS service that makes a picocli command per run. */
@Component(service = Subcommand.class)
public final class HelloCommand implements Subcommand {

	@Override
	public Object newCommand(CommandContext context) {
		return new Hello(context);
	}

	@Command(name = "hello", header = "greets you from the example plugin (examples/hello-plugin)")
	static final class Hello implements Callable<Integer> {

		private final CommandContext context;

		@Parameters(paramLabel = "NAME", arity = "0..1", description = "whom to greet (default: maker)")
		private String name = "maker";

		Hello(CommandContext context) {
			this.context = context;
		}

		@Override
		public Integer call() {
			context.out().println("Hello, " + name + ", from a third-party plugin in Atelier " + context.environment().version()
					+ " (workspace " + context.environment().paths().workspaceRoot() + ")");
			return 0;
		}
	}
}

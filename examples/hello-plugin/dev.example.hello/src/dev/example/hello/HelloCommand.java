package dev.example.hello;

import org.osgi.service.component.annotations.Component;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;

/** {@code atelier hello [NAME]}: a subcommand contributed by a plugin, as a DS service. */
@Component(service = Subcommand.class)
public final class HelloCommand implements Subcommand {

	@Override
	public String name() {
		return "hello";
	}

	@Override
	public String summary() {
		return "greets you from the example plugin (examples/hello-plugin)";
	}

	@Override
	public int run(CommandContext context) {
		if (context.args().size() > 1) {
			context.err().println("atelier hello: expected at most one NAME, got " + context.args());
			return 2;
		}
		String name = context.args().isEmpty() ? "maker" : context.args().get(0);
		context.out().println("Hello, " + name + ", from a third-party plugin in Atelier " + context.environment().version()
				+ " (workspace " + context.environment().paths().workspaceRoot() + ")");
		return 0;
	}
}

package dev.atelier.cli.internal;

import java.util.concurrent.Callable;

import org.osgi.service.component.annotations.Component;

import dev.atelier.cli.CommandContext;
import dev.atelier.cli.Subcommand;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code atelier completion bash}: a bash completion script of every subcommand and option of this installation. */
@Component(service = Subcommand.class)
public final class CompletionCommand implements Subcommand {

	enum Shell {
		bash
	}

	@Override
	public Object newCommand(CommandContext ctx) {
		return new Completion(ctx);
	}

	@Command(name = "completion", header = "prints a shell completion script of atelier's subcommands and options", description = {
			"Load it in the current shell with: source <(atelier completion bash)",
			"or keep it: atelier completion bash > ~/.local/share/bash-completion/completions/atelier" })
	private static final class Completion implements Callable<Integer> {

		private final CommandContext ctx;

		@Spec
		private CommandSpec spec;

		@Parameters(paramLabel = "SHELL", description = "bash (zsh reads it too, after bashcompinit)")
		private Shell shell;

		Completion(CommandContext ctx) {
			this.ctx = ctx;
		}

		@Override
		public Integer call() {
			ctx.out().print(AutoComplete.bash("atelier", spec.root().commandLine()));
			return Dispatcher.OK;
		}
	}
}

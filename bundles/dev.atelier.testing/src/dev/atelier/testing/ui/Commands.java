package dev.atelier.testing.ui;

import java.util.Map;

import org.eclipse.core.commands.Category;
import org.eclipse.core.commands.IParameter;
import org.eclipse.core.commands.IParameterValues;
import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.e4.core.commands.ECommandService;
import org.eclipse.e4.core.commands.EHandlerService;
import org.eclipse.e4.core.contexts.IEclipseContext;

/**
 * E4 commands in a test's context, as the workbench defines them from the application model: the context's command
 * and handler services (from the OSGi service context it descends from) know the command, handlers can be activated
 * for it, and a {@link ParameterizedCommand} with parameters is executed as a menu, key or button would.
 */
public final class Commands {

	private final IEclipseContext context;

	private Commands(IEclipseContext context) {
		this.context = context;
	}

	/** The command services of a context that descends from {@code EclipseContextFactory.getServiceContext}. */
	public static Commands in(IEclipseContext context) {
		return new Commands(context);
	}

	public ECommandService commandService() {
		return context.get(ECommandService.class);
	}

	public EHandlerService handlerService() {
		return context.get(EHandlerService.class);
	}

	/** Defines a command (with required string parameters) unless it is defined. */
	public Commands define(String id, String... parameterIds) {
		ECommandService commands = commandService();
		if (commands.getCommand(id) == null || !commands.getCommand(id).isDefined()) {
			Category category = commands.defineCategory("dev.atelier.testing.ui.category", "Tests", null);
			IParameter[] parameters = new IParameter[parameterIds.length];
			for (int i = 0; i < parameterIds.length; i++) {
				parameters[i] = parameter(parameterIds[i]);
			}
			commands.defineCommand(id, id, null, category, parameters);
		}
		return this;
	}

	/** Activates a handler (an object with {@code @Execute}, optionally {@code @CanExecute}) for a command. */
	public Commands handle(String id, Object handler) {
		handlerService().activateHandler(id, handler);
		return this;
	}

	public ParameterizedCommand command(String id, Map<String, String> parameters) {
		return commandService().createCommand(id, parameters);
	}

	private static IParameter parameter(String id) {
		return new IParameter() {
			@Override
			public String getId() {
				return id;
			}

			@Override
			public String getName() {
				return id;
			}

			@Override
			public IParameterValues getValues() {
				return Map::of;
			}

			@Override
			public boolean isOptional() {
				return false;
			}
		};
	}
}

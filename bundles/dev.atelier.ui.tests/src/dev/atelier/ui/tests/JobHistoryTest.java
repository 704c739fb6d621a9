package dev.atelier.ui.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.e4.ui.model.application.ui.basic.MPart;
import org.eclipse.e4.ui.model.application.ui.basic.MWindow;
import org.eclipse.e4.ui.workbench.modeling.EModelService;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.graphics.ImageLoader;
import org.eclipse.swt.graphics.PaletteData;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.jobs.JobHandle;
import dev.atelier.core.jobs.JobService;
import dev.atelier.model.WorkspaceManager;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.testing.Services;
import dev.atelier.testing.ui.Displays;

/**
 * The job history in the running workbench: a job that ends while the workbench runs appears in the Jobs view's
 * history and the Workspace view's, with its device, parameters, duration, energy and outputs, and its output opens.
 */
class JobHistoryTest {

	private static final String KIND = "History test: a red cube";

	@TempDir
	Path dir;

	@Test
	void aJobThatEndsAppearsInTheHistoryWithItsDetailsAndItsOutputOpens() throws Exception {
		JobService jobs = Services.await(JobHistoryTest.class, JobService.class);
		WorkspaceManager workspace = Services.await(JobHistoryTest.class, WorkspaceManager.class);
		Path png = dir.resolve("00001-42.png");
		ImageLoader loader = new ImageLoader();
		loader.data = new ImageData[] { new ImageData(8, 8, 24, new PaletteData(0xff0000, 0xff00, 0xff)) };
		loader.save(png.toString(), SWT.IMAGE_PNG);
		List<String> historyRow = new ArrayList<>();
		List<String> workspaceLabels = new ArrayList<>();
		boolean[] opened = { false };
		RunningWorkbench.run(RunningWorkbench.FRESH, window -> {
			Display display = Display.getCurrent();
			Table history = RunningWorkbench.find(partWidget(window, "dev.atelier.ui.part.jobs"), Table.class,
					t -> "Double-click opens the first output".equals(t.getToolTipText()));
			assertNotNull(history, "the Jobs view has a history");
			JobHandle<Void> job = jobs.submit(KIND, ctx -> {
				ctx.begin("drawing", 1);
				ctx.detail(JobHandle.DEVICE, "cpu");
				ctx.detail("prompt", "a red cube");
				ctx.detail("seed", "42");
				ctx.output(png.toString());
				ctx.worked(1);
				return null;
			});
			Displays.spinUntil(display, () -> job.state().isDone() && row(history) != null);
			TableItem item = row(history);
			for (int c = 0; c < history.getColumnCount(); c++) {
				historyRow.add(item.getText(c));
			}

			Tree tree = RunningWorkbench.find(partWidget(window, "dev.atelier.ui.part.workspace"), Tree.class, t -> true);
			Displays.spinUntil(display, () -> List.of(tree.getItems()).stream().anyMatch(i -> i.getText().equals("Job history")));
			TreeItem jobsNode = List.of(tree.getItems()).stream().filter(i -> i.getText().equals("Job history")).findFirst().orElseThrow();
			Event expand = new Event();
			expand.item = jobsNode;
			tree.notifyListeners(SWT.Expand, expand);
			jobsNode.setExpanded(true);
			for (TreeItem child : jobsNode.getItems()) {
				workspaceLabels.add(child.getText());
			}

			history.setSelection(item);
			history.notifyListeners(SWT.Selection, new Event());
			Button open = RunningWorkbench.find(partWidget(window, "dev.atelier.ui.part.jobs"), Button.class, b -> b.getText().equals("Open output"));
			Displays.click(open);
			Displays.spinUntil(display, () -> List.of(display.getShells()).stream().anyMatch(s -> s.isVisible() && png.getFileName().toString().equals(s.getText())));
			opened[0] = true;
			List.of(display.getShells()).stream().filter(s -> png.getFileName().toString().equals(s.getText())).forEach(Shell::close);
		});
		JobRecord record = workspace.read(ws -> ws.getJobs().stream().filter(r -> r.getKind().equals(KIND)).findFirst().orElseThrow());
		String energy = workspace.read(ws -> record.isSetEnergyJoules() ? String.format(java.util.Locale.ROOT, "%.1f J", record.getEnergyJoules()) : "n/a");
		assertEquals(List.of("Job", "Status", "Device", "Started", "Duration", "Energy", "Parameters", "Outputs").size(), historyRow.size(), historyRow.toString());
		assertEquals(KIND, historyRow.get(0));
		assertEquals("succeeded", historyRow.get(1));
		assertEquals("cpu", historyRow.get(2));
		assertTrue(historyRow.get(3).matches("\\d\\d:\\d\\d:\\d\\d"), "started at " + historyRow.get(3));
		assertTrue(historyRow.get(4).matches("\\d+\\.\\d s"), "took " + historyRow.get(4));
		assertTrue(historyRow.get(5).startsWith(energy), "the recorded energy " + energy + ": " + historyRow.get(5));
		assertEquals("prompt=a red cube, seed=42", historyRow.get(6));
		assertEquals("00001-42.png", historyRow.get(7));
		assertTrue(workspaceLabels.stream().anyMatch(l -> l.startsWith(KIND + "  succeeded  on cpu  ")), "the Workspace view's history: " + workspaceLabels);
		assertTrue(opened[0], "Open output showed the image");
	}

	/** The history's row of the test's job, or null before it is there. */
	private static TableItem row(Table history) {
		return List.of(history.getItems()).stream().filter(i -> i.getText(0).equals(KIND)).findFirst().orElse(null);
	}

	private static Composite partWidget(MWindow window, String id) {
		MPart part = (MPart) window.getContext().get(EModelService.class).find(id, window);
		assertNotNull(part, id);
		window.getContext().get(org.eclipse.e4.ui.workbench.modeling.EPartService.class).showPart(part, org.eclipse.e4.ui.workbench.modeling.EPartService.PartState.VISIBLE);
		return (Composite) part.getWidget();
	}
}

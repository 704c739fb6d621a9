package dev.atelier.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.atelier.cli.Cli;
import dev.atelier.cli.CommandContext;
import dev.atelier.model.internal.FileWorkspaceManager;
import dev.atelier.model.internal.cli.JobsCommand;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.JobStatus;
import dev.atelier.model.workspace.WorkspaceFactory;

class JobsCommandTest {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();
	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int atelier(FileWorkspaceManager workspace, String... args) {
		CommandContext ctx = CommandContext.of(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), null);
		return Cli.run(List.of(new JobsCommand(workspace)), ctx, List.of(args));
	}

	@Test
	void jsonListsEveryRecordNewestFirstWithNullWhereNothingWasMeasured() throws IOException {
		FileWorkspaceManager workspace = FileWorkspaceManager.at(dir.resolve("workspace.xmi"));
		JobRecord measured = WorkspaceFactory.eINSTANCE.createJobRecord();
		measured.setId("job-1000-7-1");
		measured.setKind("render Cornell box 32x32");
		measured.setDevice("cuda:0");
		measured.setStatus(JobStatus.SUCCEEDED);
		measured.setStart(new Date(1_000));
		measured.setEnd(new Date(3_500));
		measured.setEnergyJoules(250.0);
		measured.setAverageWatts(100.0);
		measured.setPeakWatts(140.5);
		measured.getOutputs().add("/ws/outputs/render/00000-Cornell-box.png");
		measured.getParameters().put("spp", "4");
		JobRecord cancelled = WorkspaceFactory.eINSTANCE.createJobRecord();
		cancelled.setId("job-5000-8-1");
		cancelled.setKind("diffusion.txt2img");
		cancelled.setStatus(JobStatus.CANCELLED);
		cancelled.setStart(new Date(5_000));
		cancelled.setEnd(new Date(6_000));
		workspace.update(ws -> ws.getJobs().addAll(List.of(measured, cancelled)));

		assertEquals(0, atelier(workspace, "jobs", "--json"), err.toString());
		JsonArray jobs = JsonParser.parseString(out.toString(StandardCharsets.UTF_8)).getAsJsonArray();
		assertEquals(2, jobs.size());
		JsonObject newest = jobs.get(0).getAsJsonObject();
		assertEquals("job-5000-8-1", newest.get("id").getAsString());
		assertEquals("cancelled", newest.get("status").getAsString());
		assertTrue(newest.get("device").isJsonNull() && newest.get("energyJoules").isJsonNull() && newest.get("averageWatts").isJsonNull()
				&& newest.get("peakWatts").isJsonNull(), newest.toString());
		JsonObject older = jobs.get(1).getAsJsonObject();
		assertEquals("render Cornell box 32x32", older.get("kind").getAsString());
		assertEquals("cuda:0", older.get("device").getAsString());
		assertEquals("succeeded", older.get("status").getAsString());
		assertEquals("1970-01-01T00:00:01Z", older.get("start").getAsString());
		assertEquals("1970-01-01T00:00:03.500Z", older.get("end").getAsString());
		assertEquals(250.0, older.get("energyJoules").getAsDouble());
		assertEquals(100.0, older.get("averageWatts").getAsDouble());
		assertEquals(140.5, older.get("peakWatts").getAsDouble());
		assertEquals("/ws/outputs/render/00000-Cornell-box.png", older.getAsJsonArray("outputs").get(0).getAsString());
		assertEquals("4", older.getAsJsonObject("parameters").get("spp").getAsString());
	}

	@Test
	void textListsOneLinePerJobWithItsFiles() throws IOException {
		FileWorkspaceManager workspace = FileWorkspaceManager.at(dir.resolve("workspace.xmi"));
		assertEquals(0, atelier(workspace, "jobs"));
		assertEquals("no jobs recorded in " + dir + "\n", out.toString(StandardCharsets.UTF_8));
		out.reset();
		JobRecord r = WorkspaceFactory.eINSTANCE.createJobRecord();
		r.setId("job-1");
		r.setKind("render spheres 64x64");
		r.setStatus(JobStatus.FAILED);
		r.setStart(new Date(1_000));
		r.getOutputs().add("/x.png");
		workspace.update(ws -> ws.getJobs().add(r));
		assertEquals(0, atelier(workspace, "jobs"));
		String text = out.toString(StandardCharsets.UTF_8);
		assertTrue(text.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d  failed     -         render spheres 64x64\n    /x.png\n"), text);
	}
}

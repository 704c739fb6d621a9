package dev.atelier.model.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.emf.ecore.util.EcoreUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.atelier.core.io.AtomicFiles;
import dev.atelier.model.WorkspaceStore;
import dev.atelier.model.internal.FileWorkspaceManager;
import dev.atelier.model.workspace.Asset;
import dev.atelier.model.workspace.AssetKind;
import dev.atelier.model.workspace.JobRecord;
import dev.atelier.model.workspace.JobStatus;
import dev.atelier.model.workspace.Project;
import dev.atelier.model.workspace.Workspace;
import dev.atelier.model.workspace.WorkspaceFactory;

class WorkspaceStoreTest {

	private static final WorkspaceFactory F = WorkspaceFactory.eINSTANCE;

	@TempDir
	Path dir;

	private Path file() {
		return dir.resolve("workspace.xmi");
	}

	private static Workspace sample() {
		Workspace ws = F.createWorkspace();
		ws.setName("studio");
		Project project = F.createProject();
		project.setName("robot");
		project.setLocation("projects/robot");
		project.setCreated(new Date(1_790_000_000_000L));
		Asset asset = F.createAsset();
		asset.setName("robot.glb");
		asset.setKind(AssetKind.SCENE);
		asset.setPath("projects/robot/robot.glb");
		asset.setSize(123_456_789_012L);
		asset.setHash("sha256:" + "ab".repeat(32));
		project.getAssets().add(asset);
		ws.getProjects().add(project);
		JobRecord job = F.createJobRecord();
		job.setId("job-1");
		job.setKind("diffusion.txt2img");
		job.getParameters().put("prompt", "a <red> \"robot\" & 机器人 🤖");
		job.getParameters().put("steps", "25");
		job.setDevice("cuda:0");
		job.setStart(new Date(1_790_000_000_000L));
		job.setEnd(new Date(1_790_000_012_500L));
		job.setStatus(JobStatus.SUCCEEDED);
		job.getOutputs().add("projects/robot/out-0001.png");
		job.setEnergyJoules(1234.5);
		ws.getJobs().add(job);
		JobRecord unmeasured = F.createJobRecord();
		unmeasured.setId("job-2");
		unmeasured.setKind("bench");
		unmeasured.setStatus(JobStatus.CANCELLED);
		ws.getJobs().add(unmeasured);
		return ws;
	}

	@Test
	void savedWorkspaceLoadsBackEqual() throws IOException {
		Workspace original = sample();
		WorkspaceStore.save(EcoreUtil.copy(original), file());
		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file());
		assertTrue(loaded.problem().isEmpty());
		assertTrue(EcoreUtil.equals(original, loaded.workspace()), "round trip keeps every attribute");
		JobRecord unmeasured = loaded.workspace().getJobs().get(1);
		assertFalse(unmeasured.isSetEnergyJoules(), "energy that was not measured stays unknown, not 0 J");
		assertEquals(1234.5, loaded.workspace().getJobs().get(0).getEnergyJoules());
	}

	@Test
	void missingFileGivesAnEmptyWorkspaceNamedAfterItsFolder() throws IOException {
		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file());
		assertTrue(loaded.problem().isEmpty());
		assertEquals(dir.getFileName().toString(), loaded.workspace().getName());
		assertTrue(loaded.workspace().getProjects().isEmpty());
	}

	@Test
	void damagedFileIsKeptAsBackupAndNamedInTheMessage() throws IOException {
		byte[] damaged = "<?xml version=\"1.0\"?>\n<atelier:Workspace xmlns:atelier=\"https://atelier.dev/model/workspace/1.0\" name=\"x\">\n<projects name="
				.getBytes(StandardCharsets.UTF_8);
		Files.write(file(), damaged);
		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file());
		assertUsableAfterRecovery(loaded, damaged);
	}

	@Test
	void foreignXmlIsKeptAsBackupAndNamedInTheMessage() throws IOException {
		byte[] foreign = "<?xml version=\"1.0\"?>\n<html><body>not a workspace</body></html>\n".getBytes(StandardCharsets.UTF_8);
		Files.write(file(), foreign);
		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file());
		assertTrue(loaded.problem().orElseThrow().contains("it is not an Atelier workspace: its XML namespace is missing"),
				loaded.problem().get());
		assertUsableAfterRecovery(loaded, foreign);
	}

	@Test
	void otherEmfModelIsRecognisedAsForeign() throws IOException {
		byte[] ecore = "<?xml version=\"1.0\"?>\n<ecore:EPackage xmi:version=\"2.0\" xmlns:xmi=\"http://www.omg.org/XMI\" xmlns:ecore=\"http://www.eclipse.org/emf/2002/Ecore\" name=\"other\"/>\n"
				.getBytes(StandardCharsets.UTF_8);
		Files.write(file(), ecore);
		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file());
		assertTrue(loaded.problem().orElseThrow().contains("not an Atelier workspace"), loaded.problem().get());
		assertUsableAfterRecovery(loaded, ecore);
	}

	@Test
	void binaryGarbageIsKeptAsBackupAndNamedInTheMessage() throws IOException {
		byte[] garbage = { (byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, (byte) 0xff, (byte) 0xfe };
		Files.write(file(), garbage);
		assertUsableAfterRecovery(WorkspaceStore.load(file()), garbage);
	}

	/** Found by fuzzing (docs/fuzzing.md): EMF's XML errors came as IOExceptions that did not name the file. */
	@Test
	void aJobRecordThatIsNotWellFormedXmlIsRefusedNamingTheFile() throws IOException {
		Path record = Files.writeString(dir.resolve("job-1.xmi"), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<atelier:JobRecord id=\"job-1\"");
		String message = assertThrows(IOException.class, () -> WorkspaceStore.loadRecord(record, leftOut -> {
		})).getMessage();
		assertTrue(message.startsWith(record + ": not a job record ("), message);
	}

	@Test
	void anUnknownEnumValueLosesThatValueNotTheWorkspace() throws IOException {
		WorkspaceStore.save(sample(), file());
		String saved = Files.readString(file());
		assertTrue(saved.contains("kind=\"scene\""), saved);
		byte[] later = saved.replace("kind=\"scene\"", "kind=\"hologram\"").getBytes(StandardCharsets.UTF_8);
		Files.write(file(), later);

		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file());
		String message = loaded.problem().orElseThrow();
		assertTrue(message.contains(file().toString()) && message.contains("hologram") && message.contains("the rest kept"), message);
		Asset asset = loaded.workspace().getProjects().get(0).getAssets().get(0);
		assertEquals("projects/robot/robot.glb", asset.getPath(), "the rest of the asset was read");
		assertEquals("studio", loaded.workspace().getName());
		Path backup = loaded.backup().orElseThrow();
		assertTrue(message.contains(backup.toString()), message);
		assertArrayEquals(later, Files.readAllBytes(backup), "the file as it was is kept");
		WorkspaceStore.Loaded again = WorkspaceStore.load(file());
		assertTrue(again.problem().isEmpty(), "what was read was saved: the next start has nothing to say");
		assertEquals("robot", again.workspace().getProjects().get(0).getName());
	}

	@Test
	void everyValueLeftOutOfTheWorkspaceIsNamedWithItsLine() throws IOException {
		WorkspaceStore.save(sample(), file());
		String saved = Files.readString(file());
		byte[] later = saved.replace("kind=\"scene\"", "kind=\"hologram\"").replace("size=\"123456789012\"", "size=\"huge\"")
				.getBytes(StandardCharsets.UTF_8);
		Files.write(file(), later);

		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file());
		String message = loaded.problem().orElseThrow();
		assertTrue(message.contains(file().toString()), message);
		assertTrue(message.contains("kind 'hologram' (line "), message);
		assertTrue(message.contains("size 'huge' (line "), message);
		Asset asset = loaded.workspace().getProjects().get(0).getAssets().get(0);
		assertEquals("projects/robot/robot.glb", asset.getPath(), "the rest of the asset was read");
	}

	@Test
	void anElementOfAnUnknownTypeIsLeftOutNotTheWorkspace() throws IOException {
		WorkspaceStore.save(sample(), file());
		String saved = Files.readString(file());
		int at = saved.indexOf("<projects ");
		assertTrue(at > 0, saved);
		String later = saved.substring(0, at) + "<projects xsi:type=\"atelier:Portal\" name=\"from-later\"/>\n  " + saved.substring(at);
		if (!later.contains("xmlns:xsi=")) {
			later = later.replaceFirst("<atelier:Workspace ", "<atelier:Workspace xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ");
		}
		Files.writeString(file(), later);

		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file());
		String message = loaded.problem().orElseThrow();
		assertTrue(message.contains(file().toString()) && message.contains("Portal"), message);
		assertEquals(List.of("robot"), loaded.workspace().getProjects().stream().map(Project::getName).toList());
	}

	@Test
	void aJobRecordWithAnUnknownStatusKeepsTheRestAndNamesTheFileAndValue() throws IOException {
		Path saved = WorkspaceStore.saveRecord(sample().getJobs().get(0), dir.resolve("jobs"));
		String xml = Files.readString(saved);
		assertTrue(xml.contains("status=\"succeeded\""), xml);
		Files.writeString(saved, xml.replace("status=\"succeeded\"", "status=\"paused\""));

		List<String> dropped = new ArrayList<>();
		JobRecord record = WorkspaceStore.loadRecord(saved, dropped::add);
		assertEquals("job-1", record.getId());
		assertEquals("cuda:0", record.getDevice());
		assertEquals(List.of("projects/robot/out-0001.png"), record.getOutputs());
		assertEquals(1, dropped.size(), dropped.toString());
		assertTrue(dropped.get(0).contains(saved.toString()) && dropped.get(0).contains("status 'paused' (line "), dropped.get(0));
	}

	@Test
	void managerListsAJobRecordWithAnUnknownStatus() throws IOException {
		FileWorkspaceManager.at(file()).update(ws -> ws.getJobs().add(sample().getJobs().get(0)));
		Path record = dir.resolve("jobs").resolve("job-1" + WorkspaceStore.RECORD_SUFFIX);
		Files.writeString(record, Files.readString(record).replace("status=\"succeeded\"", "status=\"paused\""));

		FileWorkspaceManager reopened = FileWorkspaceManager.at(file());
		assertEquals(List.of("job-1"), reopened.read(ws -> ws.getJobs().stream().map(JobRecord::getId).toList()));
	}

	private void assertUsableAfterRecovery(WorkspaceStore.Loaded loaded, byte[] original) throws IOException {
		String message = loaded.problem().orElseThrow();
		assertTrue(message.contains(file().toString()), message);
		Path backup = loaded.backup().orElseThrow();
		assertTrue(message.contains(backup.toString()), message);
		assertArrayEquals(original, Files.readAllBytes(backup), "the original bytes are kept");
		assertFalse(Files.exists(file()));
		Project p = F.createProject();
		p.setName("fresh");
		loaded.workspace().getProjects().add(p);
		WorkspaceStore.save(loaded.workspace(), file());
		assertEquals("fresh", WorkspaceStore.load(file()).workspace().getProjects().get(0).getName());
	}

	@Test
	void crashBetweenWriteAndRenameLosesNothingSavedBefore() throws IOException {
		Workspace saved = sample();
		WorkspaceStore.save(EcoreUtil.copy(saved), file());
		// What a crash leaves: the next save's content, half written, in the temporary file; the rename never ran.
		Workspace next = sample();
		next.getProjects().clear();
		ByteArrayOutputStream full = new ByteArrayOutputStream();
		Path scratch = dir.resolve("scratch");
		Files.createDirectories(scratch);
		WorkspaceStore.save(next, scratch.resolve("workspace.xmi"));
		full.write(Files.readAllBytes(scratch.resolve("workspace.xmi")));
		byte[] half = java.util.Arrays.copyOf(full.toByteArray(), full.size() / 2);
		Path temp = AtomicFiles.writeTemp(file(), out -> out.write(half));

		WorkspaceStore.Loaded loaded = WorkspaceStore.load(file());
		assertTrue(loaded.problem().isEmpty());
		assertTrue(EcoreUtil.equals(saved, loaded.workspace()));
		assertFalse(Files.exists(temp), "the stale temporary file is cleaned up");
		try (Stream<Path> files = Files.list(dir)) {
			assertEquals(2, files.count(), "only workspace.xmi and the scratch folder remain");
		}
	}

	@Test
	void managerUpdateSavesAndSurvivesReopening() throws IOException {
		FileWorkspaceManager manager = FileWorkspaceManager.at(file());
		manager.update(ws -> ws.getProjects().add(sample().getProjects().get(0)));
		FileWorkspaceManager reopened = FileWorkspaceManager.at(file());
		assertEquals("robot", reopened.read(ws -> ws.getProjects().get(0).getName()));
		assertEquals(AssetKind.SCENE, reopened.read(ws -> ws.getProjects().get(0).getAssets().get(0).getKind()));
	}
}

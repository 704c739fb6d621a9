package dev.atelier.releng.emfcodegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.emf.codegen.ecore.generator.Generator;
import org.eclipse.emf.codegen.ecore.generator.GeneratorAdapterFactory;
import org.eclipse.emf.codegen.ecore.genmodel.GenModel;
import org.eclipse.emf.codegen.ecore.genmodel.GenModelPackage;
import org.eclipse.emf.codegen.ecore.genmodel.GenPackage;
import org.eclipse.emf.codegen.ecore.genmodel.generator.GenBaseGeneratorAdapter;
import org.eclipse.emf.codegen.ecore.genmodel.generator.GenModelGeneratorAdapterFactory;
import org.eclipse.emf.common.util.BasicMonitor;
import org.eclipse.emf.common.util.Diagnostic;
import org.eclipse.emf.common.util.URI;
import org.eclipse.emf.ecore.EObject;
import org.eclipse.emf.ecore.EPackage;
import org.eclipse.emf.ecore.EStructuralFeature;
import org.eclipse.emf.ecore.EcorePackage;
import org.eclipse.emf.ecore.plugin.EcorePlugin;
import org.eclipse.emf.ecore.resource.Resource;
import org.eclipse.emf.ecore.resource.ResourceSet;
import org.eclipse.emf.ecore.resource.impl.ResourceSetImpl;
import org.eclipse.emf.ecore.util.EcoreUtil;
import org.eclipse.emf.ecore.xmi.impl.EcoreResourceFactoryImpl;
import org.eclipse.emf.ecore.xmi.impl.XMIResourceFactoryImpl;

/**
 * Runs EMF's Java code generator outside Eclipse for one {@code .genmodel}, model code only (no
 * edit, editor or tests code).
 *
 * <p>Usage: {@code GenerateModel <path/to/model.genmodel>}. A relative path is resolved against the
 * current directory, then against the directory named by the system property {@code atelier.root}
 * (the repository root; the Maven build sets it).
 *
 * <p>The genmodel's {@code modelDirectory} (for instance {@code /dev.atelier.model/src-gen}) names an
 * Eclipse project; that project is mapped onto the ancestor folder of the genmodel that bears the same
 * name, so {@code platform:/resource/<project>/...} resolves to the file system.
 *
 * <p>Exits with status 1 and a message on standard error when the genmodel cannot be loaded, is
 * invalid, or generation reports an error.
 */
public final class GenerateModel {

    /**
     * Project files that EMF's model generator writes beside the Java sources when the genmodel has
     * a modelPluginID (plugin.xml is rewritten or merged on each run); the Atelier bundles keep their
     * own by hand. {@link #run} keeps EMF from writing them and, as a safety net, puts back any of
     * them that changed and removes any that it created.
     */
    private static final List<String> PROJECT_FILES =
            List.of("plugin.xml", "plugin.properties", "build.properties", "META-INF/MANIFEST.MF");

    private GenerateModel() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (GenerationException e) {
            System.err.println("emf-codegen: ERROR: " + e.getMessage());
            System.exit(1);
        } catch (RuntimeException | IOException | LinkageError e) {
            System.err.println("emf-codegen: ERROR: generation failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws GenerationException, IOException {
        if (args.length != 1 || args[0].isBlank()) {
            throw new GenerationException(
                    "usage: GenerateModel <path/to/model.genmodel> (with Maven: -Dgenmodel=<path>)");
        }
        Path genModelFile = resolveInput(args[0]);

        registerStandalone();
        ResourceSet resourceSet = new ResourceSetImpl();

        // Peek at modelDirectory to learn the project name, then map the project before the real load,
        // so that every platform:/resource URI (genmodel, ecore, output) resolves to the file system.
        String modelDirectory = readModelDirectory(genModelFile);
        String projectName = firstSegment(modelDirectory);
        Path projectDir = findProjectDir(genModelFile, projectName);
        EcorePlugin.getPlatformResourceMap().put(projectName, URI.createFileURI(projectDir + "/"));

        URI genModelUri = URI.createPlatformResourceURI(
                projectName + "/" + toUriPath(projectDir.relativize(genModelFile)), true);
        GenModel genModel = loadGenModel(resourceSet, genModelUri, genModelFile);
        checkReferencedModels(resourceSet, genModel, genModelFile);

        genModel.reconcile();
        if (genModel.getGenPackages().isEmpty()) {
            throw new GenerationException("the genmodel " + genModelFile + " has no package left to generate"
                    + " after reconciling it with its Ecore model(s)");
        }
        genModel.setCanGenerate(true);
        genModel.setValidateModel(false);

        Diagnostic validation = genModel.diagnose();
        if (validation.getSeverity() == Diagnostic.ERROR) {
            throw new GenerationException("the genmodel " + genModelFile + " is invalid:\n" + describe(validation));
        }
        report(validation, "genmodel validation");

        // EMF writes plugin.xml, plugin.properties and build.properties for the model project
        // whenever GenModel.hasPluginSupport(), i.e. modelPluginID is set, whatever bundleManifest and
        // updateClasspath say. Clearing it in memory only (the genmodel file is not saved) stops that;
        // the generated Java does not depend on it as long as no modelPluginClass is generated.
        if (genModel.getModelPluginClass() == null || genModel.getModelPluginClass().isBlank()) {
            genModel.setModelPluginID(null);
        }

        Path outputDir = projectDir.resolve(modelDirectory.substring(modelDirectory.indexOf('/', 1) < 0
                ? modelDirectory.length() : modelDirectory.indexOf('/', 1) + 1));
        Map<Path, byte[]> projectFilesBefore = new LinkedHashMap<>();
        for (String name : PROJECT_FILES) {
            Path file = projectDir.resolve(name);
            if (Files.isRegularFile(file)) {
                projectFilesBefore.put(file, Files.readAllBytes(file));
            }
        }

        FileTime start = FileTime.fromMillis(System.currentTimeMillis() - 1000);
        Generator generator = new Generator();
        generator.setInput(genModel);
        Diagnostic result;
        try {
            result = generator.generate(genModel, GenBaseGeneratorAdapter.MODEL_PROJECT_TYPE,
                    new BasicMonitor());
        } catch (RuntimeException e) {
            // EMF reports most failures (I/O, templates) in the Diagnostic; anything else ends here.
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            if (Boolean.getBoolean("emfcodegen.debug")) {
                e.printStackTrace();
            }
            throw new GenerationException("code generation for " + genModelFile + " failed: " + cause
                    + " (-Demfcodegen.debug=true prints the stack trace)");
        } finally {
            generator.dispose();
            keepProjectFiles(projectDir, projectFilesBefore);
        }
        if (result.getSeverity() == Diagnostic.ERROR || result.getSeverity() == Diagnostic.CANCEL) {
            throw new GenerationException("code generation for " + genModelFile + " failed:\n" + describe(result));
        }
        report(result, "code generation");

        List<Path> written = new ArrayList<>();
        try (Stream<Path> files = Files.isDirectory(outputDir) ? Files.walk(outputDir) : Stream.empty()) {
            files.filter(Files::isRegularFile).filter(p -> modifiedSince(p, start)).sorted().forEach(written::add);
        }
        System.out.println("emf-codegen: generated model code of " + genModelFile.getFileName() + " into "
                + outputDir + " (" + written.size() + " files written or refreshed)");
    }

    /** Safety net: the Atelier bundles keep plugin.xml, MANIFEST.MF and build.properties by hand. */
    private static void keepProjectFiles(Path projectDir, Map<Path, byte[]> before) throws IOException {
        for (String name : PROJECT_FILES) {
            Path file = projectDir.resolve(name);
            byte[] content = before.get(file);
            if (content == null && Files.exists(file)) {
                Files.delete(file);
                System.out.println("emf-codegen: removed generated " + projectDir.relativize(file));
            } else if (content != null
                    && (!Files.isRegularFile(file) || !Arrays.equals(content, Files.readAllBytes(file)))) {
                Files.write(file, content);
                System.out.println("emf-codegen: restored hand-written " + projectDir.relativize(file));
            }
        }
    }

    /** Registers what a running Eclipse would contribute through extension points. */
    private static void registerStandalone() {
        EcorePackage.eINSTANCE.eClass();
        GenModelPackage.eINSTANCE.eClass();
        EPackage.Registry.INSTANCE.put(EcorePackage.eNS_URI, EcorePackage.eINSTANCE);
        EPackage.Registry.INSTANCE.put(GenModelPackage.eNS_URI, GenModelPackage.eINSTANCE);

        var factories = Resource.Factory.Registry.INSTANCE.getExtensionToFactoryMap();
        factories.put("ecore", new EcoreResourceFactoryImpl());
        factories.put("genmodel", new XMIResourceFactoryImpl());
        factories.put(Resource.Factory.Registry.DEFAULT_EXTENSION, new XMIResourceFactoryImpl());

        GeneratorAdapterFactory.Descriptor.Registry.INSTANCE.addDescriptor(GenModelPackage.eNS_URI,
                GenModelGeneratorAdapterFactory.DESCRIPTOR);
    }

    private static Path resolveInput(String arg) throws GenerationException {
        Path given = Path.of(arg);
        List<Path> candidates = new ArrayList<>();
        candidates.add(given.toAbsolutePath().normalize());
        String root = System.getProperty("atelier.root");
        if (!given.isAbsolute() && root != null && !root.isBlank()) {
            Path underRoot = Path.of(root).resolve(given).toAbsolutePath().normalize();
            if (!candidates.contains(underRoot)) {
                candidates.add(underRoot);
            }
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                try {
                    return candidate.toRealPath();
                } catch (IOException e) {
                    throw new GenerationException("cannot read " + candidate + ": " + e.getMessage());
                }
            }
        }
        throw new GenerationException("genmodel not found: " + arg + " (looked at " + candidates + ")");
    }

    /** Loads the genmodel with a throw-away resource set, only to read its modelDirectory. */
    private static String readModelDirectory(Path genModelFile) throws GenerationException {
        GenModel peek = loadGenModel(new ResourceSetImpl(), URI.createFileURI(genModelFile.toString()), genModelFile);
        String modelDirectory = peek.getModelDirectory();
        if (modelDirectory == null || modelDirectory.isBlank()) {
            throw new GenerationException("the genmodel " + genModelFile + " has no modelDirectory");
        }
        modelDirectory = modelDirectory.replace('\\', '/');
        if (!modelDirectory.startsWith("/")) {
            modelDirectory = "/" + modelDirectory;
        }
        return modelDirectory;
    }

    private static GenModel loadGenModel(ResourceSet resourceSet, URI uri, Path file) throws GenerationException {
        Resource resource;
        try {
            resource = resourceSet.getResource(uri, true);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new GenerationException("cannot load the genmodel " + file + ": " + cause.getMessage());
        }
        if (!resource.getErrors().isEmpty()) {
            StringBuilder message = new StringBuilder("cannot load the genmodel " + file + ":");
            resource.getErrors().forEach(d -> message.append("\n  ").append(d.getMessage()));
            throw new GenerationException(message.toString());
        }
        if (resource.getContents().isEmpty() || !(resource.getContents().get(0) instanceof GenModel genModel)) {
            throw new GenerationException(file + " does not contain a GenModel");
        }
        return genModel;
    }

    /**
     * Loads every model the genmodel refers to and fails when one cannot be loaded or a GenPackage
     * lost its EPackage (reconcile would silently drop it and nothing would be generated). References
     * to Ecore elements that no longer exist are only reported: reconcile drops them, as in Eclipse.
     */
    private static void checkReferencedModels(ResourceSet resourceSet, GenModel genModel, Path genModelFile)
            throws GenerationException {
        EcoreUtil.resolveAll(resourceSet);
        StringBuilder errors = new StringBuilder();
        for (Resource resource : List.copyOf(resourceSet.getResources())) {
            for (Resource.Diagnostic error : resource.getErrors()) {
                errors.append("\n  ").append(resource.getURI()).append(": ").append(error.getMessage());
            }
        }
        for (GenPackage genPackage : genModel.getGenPackages()) {
            EPackage ePackage = genPackage.getEcorePackage();
            if (ePackage == null || ePackage.eIsProxy()) {
                errors.append("\n  a GenPackage refers to an Ecore package that cannot be loaded: ")
                        .append(ePackage == null ? "(none)" : EcoreUtil.getURI(ePackage));
            }
        }
        if (!errors.isEmpty()) {
            throw new GenerationException("cannot load the models of " + genModelFile + ":" + errors);
        }
        Map<EObject, Collection<EStructuralFeature.Setting>> unresolved =
                EcoreUtil.UnresolvedProxyCrossReferencer.find(resourceSet);
        if (!unresolved.isEmpty()) {
            StringBuilder warning = new StringBuilder("emf-codegen: warning: the genmodel refers to Ecore"
                    + " elements that no longer exist; reconcile drops them (save the genmodel in Eclipse"
                    + " or edit it to clean up):");
            unresolved.keySet().forEach(proxy -> warning.append("\n  ").append(EcoreUtil.getURI(proxy)));
            System.err.println(warning);
        }
    }

    private static String firstSegment(String modelDirectory) throws GenerationException {
        String[] segments = modelDirectory.substring(1).split("/");
        if (segments.length == 0 || segments[0].isEmpty()) {
            throw new GenerationException("cannot read a project name from modelDirectory " + modelDirectory);
        }
        return segments[0];
    }

    /** The ancestor folder of the genmodel named after the project; the project folder can be overridden. */
    private static Path findProjectDir(Path genModelFile, String projectName) throws GenerationException {
        String override = System.getProperty("emfcodegen.projectDir");
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new GenerationException("emfcodegen.projectDir " + dir + " is not a folder");
            }
            return dir;
        }
        for (Path dir = genModelFile.getParent(); dir != null; dir = dir.getParent()) {
            if (dir.getFileName() != null && dir.getFileName().toString().equals(projectName)) {
                return dir;
            }
        }
        throw new GenerationException("modelDirectory names the project '" + projectName
                + "' but no ancestor folder of " + genModelFile + " has that name"
                + " (set -Demfcodegen.projectDir=<folder> to say where it is)");
    }

    private static String toUriPath(Path relative) {
        StringBuilder path = new StringBuilder();
        for (Path segment : relative) {
            if (!path.isEmpty()) {
                path.append('/');
            }
            path.append(segment);
        }
        return path.toString();
    }

    private static boolean modifiedSince(Path file, FileTime start) {
        try {
            return Files.getLastModifiedTime(file).compareTo(start) >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void report(Diagnostic diagnostic, String what) {
        if (diagnostic.getSeverity() == Diagnostic.WARNING) {
            System.err.println("emf-codegen: warnings from " + what + ":\n" + describe(diagnostic));
        }
    }

    private static String describe(Diagnostic diagnostic) {
        StringBuilder text = new StringBuilder();
        describe(diagnostic, "  ", text);
        return text.toString().stripTrailing();
    }

    private static void describe(Diagnostic diagnostic, String indent, StringBuilder text) {
        String severity = switch (diagnostic.getSeverity()) {
            case Diagnostic.ERROR -> "ERROR";
            case Diagnostic.WARNING -> "WARNING";
            case Diagnostic.CANCEL -> "CANCEL";
            case Diagnostic.INFO -> "INFO";
            default -> "OK";
        };
        if (diagnostic.getMessage() != null && !diagnostic.getMessage().isBlank()) {
            text.append(indent).append(severity).append(": ").append(diagnostic.getMessage()).append('\n');
        }
        if (diagnostic.getException() != null) {
            text.append(indent).append("  caused by ").append(diagnostic.getException()).append('\n');
        }
        for (Diagnostic child : diagnostic.getChildren()) {
            if (child.getSeverity() != Diagnostic.OK) {
                describe(child, indent + "  ", text);
            }
        }
    }

    private static final class GenerationException extends Exception {
        private static final long serialVersionUID = 1L;

        GenerationException(String message) {
            super(message);
        }
    }
}

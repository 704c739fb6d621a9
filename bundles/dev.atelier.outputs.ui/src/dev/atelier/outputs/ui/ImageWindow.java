package dev.atelier.outputs.ui;

import java.io.IOException;
import java.nio.file.Path;

import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Canvas;
import org.eclipse.swt.widgets.Shell;

/** An image in a window of its own, at full size or shrunk to fit most of the screen. */
public final class ImageWindow {

	private ImageWindow() {
	}

	/**
	 * Opens the window; its image is disposed with it.
	 *
	 * @throws IOException naming the file when it cannot be read
	 */
	public static Shell open(Shell parent, Path file) throws IOException {
		Rectangle screen = parent.getMonitor().getClientArea();
		Image image = new Image(parent.getDisplay(), SwtImages.fitted(SwtImages.read(file), screen.width * 85 / 100, screen.height * 85 / 100, false));
		Shell shell = new Shell(parent, SWT.SHELL_TRIM);
		shell.setText(file.getFileName().toString());
		shell.setLayout(new FillLayout());
		Canvas canvas = new Canvas(shell, SWT.DOUBLE_BUFFERED);
		canvas.setBackground(shell.getDisplay().getSystemColor(SWT.COLOR_BLACK));
		canvas.addListener(SWT.Paint, e -> {
			Rectangle area = canvas.getClientArea();
			Rectangle b = image.getBounds();
			e.gc.drawImage(image, (area.width - b.width) / 2, (area.height - b.height) / 2);
		});
		shell.addListener(SWT.Dispose, e -> image.dispose());
		Rectangle b = image.getBounds();
		shell.setSize(shell.computeTrim(0, 0, b.width, b.height).width, shell.computeTrim(0, 0, b.width, b.height).height);
		shell.open();
		return shell;
	}
}

package io.vxgate.gateway.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One file as seen on disk, to tell whether it changed: its real path (a symlink swapped, as
 * cert-manager's {@code ..data} link or certbot's {@code live/} links), inode (a file renamed over
 * it), size and modification time. A file that cannot be read has no inode and size -1.
 */
record FileStamp(String realPath, @Nullable Object inode, long size, long modified) {

  /** The stamps of {@code paths}, in their order. */
  static List<FileStamp> of(List<String> paths) {
    List<FileStamp> out = new ArrayList<>(paths.size());
    for (String p : paths) {
      out.add(of(Path.of(p)));
    }
    return List.copyOf(out);
  }

  static FileStamp of(Path p) {
    try {
      Path real = p.toRealPath();
      BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
      return new FileStamp(real.toString(), a.fileKey(), a.size(), a.lastModifiedTime().toMillis());
    } catch (IOException | RuntimeException e) {
      return new FileStamp(p.toString(), null, -1, -1);
    }
  }
}

package dev.egresskit.proxy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The permission checks ssh makes of {@code authorized_keys}, as warnings: a users file, or the
 * folder holding it, that a group or everyone may write lets them add a user; so does a file
 * owned by someone other than this user or root. A world-writable folder with the sticky bit
 * (such as {@code /tmp}) is fine: others cannot replace a file in it. Symbolic links are
 * followed, as the file is read through them. On a file system without Unix modes nothing is
 * checked.
 */
final class UsersFilePermissions {

  private static final int GROUP_WRITE = 0020;
  private static final int OTHER_WRITE = 0002;
  private static final int STICKY = 01000;

  private UsersFilePermissions() {}

  static List<String> warnings(Path file) {
    List<String> warnings = new ArrayList<>();
    try {
      Path real = file.toRealPath();
      int mode = mode(real);
      if (mode < 0) {
        return warnings;
      }
      String writers = writers(mode);
      if (writers != null) {
        warnings.add("users file " + file + " is writable by " + writers + " (mode "
            + octal(mode) + "): they could add a user; run chmod go-w " + file);
      }
      String owner = Files.getOwner(real).getName();
      String me = System.getProperty("user.name");
      if (!owner.equals(me) && !owner.equals("root")) {
        warnings.add("users file " + file + " is owned by " + owner + ", not by " + me
            + " or root: its owner could add a user");
      }
      Path folder = real.getParent();
      if (folder != null && mode(folder) >= 0) {
        int folderMode = mode(folder);
        String folderWriters = writers(folderMode);
        if (folderWriters != null && (folderMode & STICKY) == 0) {
          warnings.add("the folder " + folder + " of users file " + file + " is writable by "
              + folderWriters + " (mode " + octal(folderMode) + "): they could replace the file");
        }
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // Unreadable attributes: the file was read already, so only the check is lost.
    }
    return warnings;
  }

  private static String writers(int mode) {
    if ((mode & OTHER_WRITE) != 0) {
      return "everyone";
    }
    return (mode & GROUP_WRITE) != 0 ? "its group" : null;
  }

  private static int mode(Path path) throws IOException {
    try {
      return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }

  private static String octal(int mode) {
    return String.format("%04o", mode & 07777);
  }
}

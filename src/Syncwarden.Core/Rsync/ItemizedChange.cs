namespace Syncwarden.Rsync;

public enum ChangeKind
{
    Create,
    Update,
    Delete,
    Attributes,
}

/// <summary>One line of rsync's --out-format='%i|%l|%n' output.</summary>
/// <param name="Kind">What happens to the item.</param>
/// <param name="Path">Path relative to the transfer root, rsync's "\#ooo" escapes decoded,
/// without the trailing '/' rsync prints for directories.</param>
/// <param name="Size">%l: the file's length. rsync prints 0 for deletions and the directory
/// entry size (e.g. 4096) for directories.</param>
/// <param name="IsDirectory">True for directories (type 'd', or a deleted path ending in '/').</param>
/// <param name="Flags">The raw 11-character %i field, e.g. "&gt;f.st......" or "*deleting  ".</param>
public sealed record ItemizedChange(ChangeKind Kind, string Path, long Size, bool IsDirectory, string Flags);

namespace Syncwarden.Rsync;

/// <summary>The numbers of rsync's --stats block.</summary>
/// <remarks>NumberOfFiles counts directories too, including the transfer root "." itself.</remarks>
public sealed record RsyncStats(
    long NumberOfFiles,
    long RegularFiles,
    long Directories,
    long CreatedFiles,
    long DeletedFiles,
    long RegularFilesTransferred,
    long TotalFileSize,
    long TotalTransferredFileSize,
    long LiteralData,
    long MatchedData,
    long TotalBytesSent,
    long TotalBytesReceived)
{
    public static RsyncStats Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

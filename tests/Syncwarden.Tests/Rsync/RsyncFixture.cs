namespace Syncwarden.Tests.Rsync;

/// Reads the files made by Fixtures/rsync/capture.sh (copied to the output dir).
internal static class RsyncFixture
{
    /// The fixed work dir capture.sh uses; rsync prints absolute paths under it.
    public const string WorkDir = "/tmp/syncwarden-rsync-fixtures";

    public static string Path(string name) =>
        System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "rsync", name);

    public static string ReadRaw(string name) => File.ReadAllText(Path(name));

    public static string[] ReadLines(string name) => File.ReadAllLines(Path(name));

    public static int ExitCode(string name) => int.Parse(File.ReadAllText(Path(name + ".exitcode")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// Splits raw stdout the way the engine does.
    public static List<(string Text, bool EndedWithCarriageReturn)> Segments(string raw)
    {
        var segments = new List<(string, bool)>();
        var splitter = new Syncwarden.Rsync.RsyncLineSplitter((text, cr) => segments.Add((text, cr)));
        splitter.Feed(raw);
        splitter.Flush();
        return segments;
    }
}

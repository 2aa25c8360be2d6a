namespace Syncwarden.Locks;

/// <summary>
/// Quoting for a command run by ssh. ssh joins its remote-command words with spaces into one string that
/// the remote user's shell parses, so every word is single-quoted for a POSIX shell ('\'' for a quote).
/// </summary>
public static class RemoteShell
{
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary><c>sh -c 'SCRIPT' sh 'ARG1' 'ARG2' ...</c>: the script sees the args as $1, $2, ... untouched.</summary>
    public static string ShCommand(string script, IEnumerable<string> args) =>
        string.Join(' ', new[] { "sh", "-c", Quote(script), "sh" }.Concat(args.Select(Quote)));
}

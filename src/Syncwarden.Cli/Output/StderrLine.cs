namespace Syncwarden.Cli.Output;

/// <summary>
/// stderr as the progress bar and the log share it: at most one transient line (the bar, redrawn in place with
/// '\r') after the permanent ones. A permanent line wipes the bar first, so a log line never lands at the end
/// of the bar; <see cref="End"/> wipes it for good before the command prints its summary (on a terminal,
/// stdout and stderr are the same screen).
/// </summary>
internal sealed class StderrLine(TextWriter writer)
{
    private readonly Lock _lock = new();
    // Characters of the transient line on screen; 0 when there is none.
    private int _shown;
    private bool _ended;

    /// <summary>Draws <paramref name="text"/> (one line, no line break) over the previous transient line.</summary>
    public void Show(string text)
    {
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }
            writer.Write("\r" + text.PadRight(_shown));
            _shown = Math.Max(_shown, text.Length);
            writer.Flush();
        }
    }

    /// <summary>Writes a permanent line, after wiping the transient one.</summary>
    public void WriteLine(string line)
    {
        lock (_lock)
        {
            ClearShown();
            writer.WriteLine(line);
        }
    }

    /// <summary>Progress as a permanent line (stderr is no terminal): like the bar, none after <see cref="End"/>.</summary>
    public void ShowAsLine(string text)
    {
        lock (_lock)
        {
            if (!_ended)
            {
                writer.WriteLine(text);
            }
        }
    }

    /// <summary>Wipes the transient line (the next <see cref="Show"/> draws it again).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            ClearShown();
        }
    }

    /// <summary>Wipes the transient line and draws none from now on: progress is over, what follows is the result.</summary>
    public void End()
    {
        lock (_lock)
        {
            ClearShown();
            _ended = true;
        }
    }

    private void ClearShown()
    {
        if (_shown > 0)
        {
            writer.Write("\r" + new string(' ', _shown) + "\r");
            writer.Flush();
            _shown = 0;
        }
    }
}

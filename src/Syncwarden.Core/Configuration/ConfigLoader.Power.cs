using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] PowerKeys = ["sleep-after-run", "mode", "wake-margin", "rtcwake-path", "stay-awake-file"];

    private static readonly (string, SleepMode)[] SleepModes =
        [("mem", SleepMode.Mem), ("disk", SleepMode.Disk), ("off", SleepMode.Off)];

    private static PowerSettings BindPower(YamlNode node, ConfigReader reader)
    {
        var settings = new PowerSettings();
        if (reader.Map(node, "power", PowerKeys, "power: { sleep-after-run: true, mode: mem, wake-margin: 5m }") is not { } power)
        {
            return settings;
        }
        if (power.Get("sleep-after-run") is { } sleep && reader.Boolean(sleep, power.PathOf("sleep-after-run"), "sleep-after-run: true") is { } s)
        {
            settings = settings with { SleepAfterRun = s };
        }
        if (power.Get("mode") is { } mode && reader.Choice(mode, power.PathOf("mode"), SleepModes) is { } m)
        {
            settings = settings with { Mode = m };
        }
        // Zero is allowed: wake exactly at the run time (the run then starts a little late, after resume).
        if (power.Get("wake-margin") is { } margin && reader.Duration(margin, power.PathOf("wake-margin"), allowZero: true, "wake-margin: 5m") is { } w)
        {
            settings = settings with { WakeMargin = w };
        }
        if (power.Get("rtcwake-path") is { } rtcwake && reader.LocalPath(rtcwake, power.PathOf("rtcwake-path"), "rtcwake-path: /usr/sbin/rtcwake", "/usr/sbin/rtcwake", program: true) is { } r)
        {
            settings = settings with { RtcwakePath = r };
        }
        if (power.Get("stay-awake-file") is { } file
            && reader.LocalPath(file, power.PathOf("stay-awake-file"), "stay-awake-file: /etc/syncwarden/stay-awake", "/etc/syncwarden/stay-awake") is { } f)
        {
            settings = settings with { StayAwakeFile = f };
        }
        return settings;
    }
}

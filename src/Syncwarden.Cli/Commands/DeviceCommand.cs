using System.CommandLine;
using System.Text.Json;
using Syncwarden.Cli.Output;
using Syncwarden.Devices;
using Syncwarden.Processes;

namespace Syncwarden.Cli.Commands;

/// <summary><c>syncwarden device list|udev-rules</c>: the removable disks of the jobs (<c>device:</c>) and the udev rules that start their runs.</summary>
internal static class DeviceCommand
{
    public static Command Create()
    {
        var command = new Command("device", "Removable disks of the jobs (device:): which are attached, and udev rules that start a run when one is plugged in");
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateUdevRules());
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List every disk of every job's device: with the block device it is attached as and whether it is mounted");
        command.Options.Add(CliApp.JsonOption);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var config = CliContext.LoadConfig(parse);
            IReadOnlyList<DeviceState> disks;
            try
            {
                disks = await DeviceInventory.ListAsync(config, ProcessRunner.Default, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or ProcessStartException)
            {
                throw new UserError(ex.Message, CliApp.Failed);
            }
            if (parse.GetValue(CliApp.JsonOption))
            {
                Console.WriteLine(JsonSerializer.Serialize(disks, CliJson.Readable.IReadOnlyListDeviceState));
                return CliApp.Ok;
            }
            var table = new TextTable("JOB", "UUID", "ATTACHED", "MOUNTPOINT", "NOTIFY");
            foreach (var d in disks)
            {
                table.Add(d.Job, d.Uuid, d.Attached ?? "-", d.Mountpoint + (d.Mounted ? " (mounted)" : ""), d.Notify.Count == 0 ? "-" : string.Join(", ", d.Notify));
            }
            Console.WriteLine(disks.Count == 0 ? "no job has a device: section" : table.ToString().TrimEnd('\n'));
            return CliApp.Ok;
        });
        return command;
    }

    private static Command CreateUdevRules()
    {
        var command = new Command("udev-rules", "Print udev rules that start syncwarden-device@UUID.service when a listed disk is plugged in");
        command.SetAction(parse =>
        {
            Console.Write(DeviceInventory.UdevRules(CliContext.LoadConfig(parse)));
            return CliApp.Ok;
        });
        return command;
    }
}

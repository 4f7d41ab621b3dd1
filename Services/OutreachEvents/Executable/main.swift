import OutreachEventsService
import KepuRuntime

await ServiceMain.main(OutreachEventsService.definition)

import KepuRuntime
import OutreachEventsService

await ServiceMain.main(OutreachEventsService.definition)

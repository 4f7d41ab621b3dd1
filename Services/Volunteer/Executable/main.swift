import KepuRuntime
import VolunteerService

await ServiceMain.main(VolunteerService.definition)

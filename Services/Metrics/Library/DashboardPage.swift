/// The dashboard (监测看板), served by the service itself: one self-contained page (no script, style or font
/// fetched from anywhere else) that reads the JSON API and refreshes every two seconds. City overview with the
/// districts side by side, click a unit to drill down to its streets and communities, a trend by session day (two weeks back and ahead: the
/// numbers count on the day a session takes place), open alerts.
/// Each KPI tile carries `id="kpi-<name>"` and `data-value`, so tests (and people) can compare it with the API.
enum DashboardPage {
    static let html = #"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>科普课堂 · Kepu Classroom dashboard</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:system-ui,sans-serif;margin:0;background:#f5f7fa;color:#1f2937}
        header{background:#0f4c81;color:#fff;padding:12px 20px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
        header h1{font-size:18px;margin:0}header select,header input{font-size:14px}
        main{padding:16px 20px;display:grid;gap:16px;grid-template-columns:1fr 1fr}
        section{background:#fff;border-radius:8px;padding:12px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        section.wide{grid-column:1/3}h2{font-size:15px;margin:0 0 8px}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px}
        .tile{border:1px solid #e5e7eb;border-radius:6px;padding:8px}.tile b{display:block;font-size:20px}.tile small{color:#6b7280}
        table{border-collapse:collapse;width:100%;font-size:13px}td,th{padding:4px 6px;border-bottom:1px solid #eee;text-align:right}
        td:first-child,th:first-child{text-align:left}tr.unit{cursor:pointer}tr.unit:hover{background:#eef5ff}
        .bar{display:inline-block;height:10px;background:#3b82f6;vertical-align:middle}
        #crumbs a{color:#fff;margin-right:6px}.alert{color:#b42318}#status{font-size:12px;opacity:.8}
        </style></head>
        <body data-updates="0">
        <header><h1>科普课堂 Kepu Classroom · monitoring</h1><span id="crumbs"></span>
        <label>period <select id="kind"><option>day</option><option>week</option><option selected>month</option><option>quarter</option><option>year</option><option>phase</option></select>
        <input id="key" size="10" placeholder="current"></label><span id="status">loading…</span></header>
        <main>
        <section class="wide"><h2 id="unit-title">—</h2><div class="tiles" id="tiles"></div></section>
        <section><h2>Side by side</h2><table id="children"><thead><tr><th>unit</th><th>fill rate</th><th>seats booked</th><th>check-ins</th><th>no-show rate</th></tr></thead><tbody></tbody></table></section>
        <section><h2>By session day, two weeks ahead and back (seats booked, check-ins)</h2><svg id="trend" width="100%" height="180" viewBox="0 0 600 180" preserveAspectRatio="none"></svg></section>
        <section class="wide"><h2>Open weak spots</h2><ul id="alerts"></ul></section>
        </main>
        <script>
        "use strict";
        const COUNTS=[["sessions_offered","sessions offered"],["seats_offered","seats offered"],["seats_booked","seats booked"],["bookings_made","bookings"],["check_ins","check-ins"],["no_shows","no-shows"],["waitlisted","waitlisted"],["promoted","promoted"],["cancelled_late","late cancellations"],["group_headcount","group headcount"],["dedicated_sessions","dedicated sessions"],["residents_reached","residents reached (≈)"],["activities_held","activities held"],["activity_participants","activity participants"],["lectures_held","lectures"],["visits_held","organised visits"],["mobile_museum_stops","mobile museum stops"],["reading_activities","reading activities"],["campaign_activities","campaign activities"],["volunteers_registered","volunteers registered (net)"],["verified_service_minutes","verified service minutes"],["volunteer_shortfalls","volunteer shortfalls"],["needs_submitted","needs surveyed"],["needs_met","needs met"],["books_delivered","books delivered"],["books_in_stock","books in stock (net)"],["work_views","online works' views"],["work_reach","online works' reach (≈)"],["information_officers","information officers"],["pairings_active","pairings active (net)"],["applications_approved","new practice points"],["orders_placed","orders placed"],["order_overdue_steps","overdue order steps"]];
        const RATES=[["fill_rate","fill rate"],["check_in_rate","check-in rate"],["no_show_rate","no-show rate"],["waitlist_conversion","waitlist conversion"],["staffing_rate","volunteer staffing"],["needs_met_rate","needs met"],["order_fulfilment","orders fulfilled"]];
        let unit=new URLSearchParams(location.search).get("unit");let path=[];let updates=0;
        const el=id=>document.getElementById(id);
        const pct=v=>(v*100).toFixed(1)+"%";
        const text=(tag,t,attrs)=>{const e=document.createElement(tag);e.textContent=t;for(const k in attrs||{})e.setAttribute(k,attrs[k]);return e;};
        function period(){const k=el("key").value.trim();return k?"&period="+encodeURIComponent(el("kind").value+":"+k):(el("kind").value==="month"?"":"&period="+encodeURIComponent(el("kind").value+":"+defaultKey(el("kind").value)));}
        function defaultKey(kind){const d=new Date(Date.now()+8*3600e3);const y=d.getUTCFullYear(),m=d.getUTCMonth()+1,day=d.getUTCDate();const p=n=>String(n).padStart(2,"0");
         if(kind==="day")return y+"-"+p(m)+"-"+p(day);if(kind==="quarter")return y+"-Q"+(Math.floor((m-1)/3)+1);if(kind==="year")return String(y);if(kind==="phase")return "rollout";
         const t=new Date(Date.UTC(y,m-1,day));const wd=(t.getUTCDay()+6)%7;t.setUTCDate(t.getUTCDate()-wd+3);const wy=t.getUTCFullYear();const w=1+Math.round((t-Date.UTC(wy,0,4))/864e5/7-((new Date(Date.UTC(wy,0,4)).getUTCDay()+6)%7-3)/7);
         return wy+"-W"+p(w);}
        function shanghaiDay(offset){const d=new Date(Date.now()+8*3600e3+offset*864e5);return d.toISOString().slice(0,10);}
        async function get(url){const r=await fetch(url,{cache:"no-store"});if(!r.ok)throw new Error(url+": "+r.status);return r.json();}
        async function refresh(){
         try{
          if(!unit){const roots=await get("/api/units?x=1"+period());if(!roots.units.length){el("status").textContent="no data yet — start the demo load";return;}unit=roots.units[0].unit;}
          const [k,c,t,a]=await Promise.all([get("/api/kpis?unit="+encodeURIComponent(unit)+period()),get("/api/units/"+encodeURIComponent(unit)+"/children?x=1"+period()),get("/api/trend?days=30&to="+shanghaiDay(14)+"&unit="+encodeURIComponent(unit)),get("/api/alerts")]);
          path=k.path;el("unit-title").textContent=k.unit+" ("+k.level+") · "+k.period.kind+" "+k.period.key;
          const crumbs=el("crumbs");crumbs.replaceChildren(...path.map(u=>{const x=text("a",u,{href:"?unit="+encodeURIComponent(u)});x.onclick=e=>{e.preventDefault();unit=u;refresh();};return x;}));
          const tiles=[];for(const [name,label] of COUNTS){const d=text("div","",{class:"tile"});d.append(text("small",label),text("b",String(k.kpis[name]),{id:"kpi-"+name,"data-value":String(k.kpis[name])}));tiles.push(d);}
          for(const [name,label] of RATES){const r=k.kpis[name];const d=text("div","",{class:"tile"});d.append(text("small",label),text("b",pct(r.value),{id:"kpi-"+name,"data-value":String(r.value),"data-numerator":String(r.numerator),"data-denominator":String(r.denominator)}),text("small",r.numerator+" / "+r.denominator));tiles.push(d);}
          el("tiles").replaceChildren(...tiles);
          const rows=c.children.map(ch=>{const tr=text("tr","",{class:"unit","data-unit":ch.unit});const f=ch.kpis.fill_rate.value;const bar=text("span","",{class:"bar"});bar.style.width=Math.round(Math.min(1,f)*80)+"px";
           const td=text("td",ch.unit+" ");td.append(text("small",ch.level));tr.append(td);const fr=text("td"," "+pct(f),{"data-kpi":"fill_rate"});fr.prepend(bar);tr.append(fr,text("td",String(ch.kpis.seats_booked),{"data-kpi":"seats_booked"}),text("td",String(ch.kpis.check_ins),{"data-kpi":"check_ins"}),text("td",pct(ch.kpis.no_show_rate.value),{"data-kpi":"no_show_rate"}));
           tr.onclick=()=>{unit=ch.unit;refresh();};return tr;});
          el("children").tBodies[0].replaceChildren(...(rows.length?rows:[text("tr","")]));
          drawTrend(t.points);
          el("alerts").replaceChildren(...(a.alerts.length?a.alerts.map(x=>text("li",x.rule+" · "+x.unit+" — "+x.detail,{class:"alert"})):[text("li","none")]));
          updates++;document.body.dataset.updates=String(updates);el("status").textContent="updated "+new Date().toLocaleTimeString();
         }catch(e){el("status").textContent="error: "+e.message;}
        }
        function drawTrend(points){const svg=el("trend");const W=600,H=170;const series=[["seats_booked","#3b82f6"],["check_ins","#16a34a"]];
         const max=Math.max(1,...points.flatMap(p=>series.map(([n])=>p.kpis[n])));const ns="http://www.w3.org/2000/svg";const kids=[];
         for(const [name,color] of series){const pl=document.createElementNS(ns,"polyline");pl.setAttribute("fill","none");pl.setAttribute("stroke",color);pl.setAttribute("stroke-width","2");
          pl.setAttribute("points",points.map((p,i)=>(i*W/Math.max(1,points.length-1)).toFixed(1)+","+(H-p.kpis[name]/max*(H-10)).toFixed(1)).join(" "));kids.push(pl);}
         svg.replaceChildren(...kids);}
        el("kind").onchange=()=>{el("key").value="";refresh();};el("key").onchange=refresh;
        refresh();setInterval(refresh,2000);
        </script></body></html>
        """#
}

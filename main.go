// Command relais is the Relais desktop app. main only wires Wails to the
// app package; everything else lives in app/ and backend/.
package main

import (
	"embed"
	"log"
	_ "time/tzdata" // IANA zones on machines without a zoneinfo database (Windows)

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"
	"github.com/wailsapp/wails/v2/pkg/options/windows"

	"relais/app"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

func main() {
	a := app.New(nil)
	a.SetIcon(icon)
	err := wails.Run(&options.App{
		Title:            "Relais",
		Width:            app.DefaultWidth,
		Height:           app.DefaultHeight,
		MinWidth:         880,
		MinHeight:        560,
		StartHidden:      true, // shown in DomReady, once placed
		BackgroundColour: &options.RGBA{R: 248, G: 248, B: 250, A: 255},
		AssetServer:      &assetserver.Options{Assets: assets, Handler: a.AssetHandler()},
		OnStartup:        a.Startup,
		OnDomReady:       a.DomReady,
		OnBeforeClose:    a.BeforeClose,
		OnShutdown:       a.Shutdown,
		ErrorFormatter:   a.FormatError,
		Bind:             a.Bindings(),
		SingleInstanceLock: &options.SingleInstanceLock{
			UniqueId:               "studio.relais.app",
			OnSecondInstanceLaunch: a.SecondInstance,
		},
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: true, DisableWebViewDrop: true},
		Linux:       &linux.Options{ProgramName: "relais", Icon: icon, WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
		Windows:     &windows.Options{Theme: windows.SystemDefault},
		Mac:         &mac.Options{About: &mac.AboutInfo{Title: "Relais", Message: "A studio for community managers", Icon: icon}},
	})
	if err != nil {
		log.Fatal(err)
	}
}

#pragma once
// The demo models and data are compiled into the executable (resources/resources.qrc), so a
// first start shows a populated window wherever the binary is. LibTorch loads from a path, so
// they are copied once into the user's cache folder.

#include <QString>
#include <QStringList>

namespace rnnscope {

struct DemoFiles {
    QString model;
    QString dataset;
    QString compareModel;  // a second model compared with the first, or ""
    QString checkpoints;   // a folder of one training run's checkpoints (then no model), or ""
    // A time series demo: how its CSV is cut into windows (DatasetOptions); 0 when it is not.
    int window = 0, stride = 0, horizon = 0;
};

// "dates", "dates-both-orders" (the same model trained on dates written day first and month
// first, so "01/02/2003" has two readings: real errors, and a beam that keeps both),
// "brackets", "brackets-compare" (the brackets LSTM against a GRU trained on the same
// data, in the Compare Models panel) and "brackets-training" (the brackets LSTM before training
// and after each of its 8 epochs, in the Checkpoints panel), "sunspots" (a 2-layer LSTM
// forecasting the monthly sunspot number, on the whole series 1749-2013 cut into windows of 48
// months a year apart) and "sunspots-held-out" (the same model on its 50 held-out windows).
QStringList demoNames();
QString demoTitle(const QString& name);
// Throws UserError when the demo is not compiled in or cannot be copied.
DemoFiles extractDemo(const QString& name);

}  // namespace rnnscope
